#include <dc/launcher/run_tool.hpp>

#include <boost/process/args.hpp>
#include <boost/process/child.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/io.hpp>
#include <boost/process/search_path.hpp>

namespace dc::launcher {
namespace bp = boost::process;

tool_result run_tool(const std::string& program, const std::vector<std::string>& args,
                     const std::string& input) {
    const std::string path =
        program.find('/') == std::string::npos ? bp::search_path(program).string() : program;
    if (path.empty()) return {127, program + " is not on PATH"};
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
    r.code = c.exit_code();
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
