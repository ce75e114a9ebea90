#include <dc/launcher/programs.hpp>
#include <dc/launcher/run_tool.hpp>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/io.hpp>

namespace dc::launcher {
namespace bp = boost::process;

tool_result run_tool(const std::string& program, const std::vector<std::string>& args,
                     const std::string& input) {
    const std::string path = find_program(program);
    if (path.empty()) return {127, program + " is not on PATH (or not an executable file)"};
    bp::ipstream out;
    bp::opstream in;
    std::error_code ec;
    bp::child c(bp::exe = path, bp::args = args, (bp::std_out & bp::std_err) > out, bp::std_in < in,
                ec);
    if (ec) return {127, "cannot run " + path + ": " + ec.message()};
    in << input;
    in.flush();
    in.pipe().close();
    tool_result r;
    for (std::string line; std::getline(out, line);)
        r.out.append(line).append("\n");
    c.wait(ec);
    r.code = exit_code_of(c.native_exit_code());
    return r;
}

std::string shell_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') {
            out += "'\\''";
        } else {
            out += c;
        }
    }
    return out + "'";
}

} // namespace dc::launcher
