#include <dc/launcher/programs.hpp>
#include <dc/launcher/run_tool.hpp>

#include "spawn.hpp"

#include <dc/errors.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace dc::launcher {

namespace {

/// Reads the tool's output to its end, then reaps it.
tool_result finish(pid_t pid, int output) {
    tool_result r;
    char buf[4096];
    for (ssize_t n; (n = ::read(output, buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        r.out.append(buf, static_cast<std::size_t>(n));
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.code = exit_code_of(status);
    return r;
}

} // namespace

tool_result run_tool(const std::string& program, const std::vector<std::string>& args,
                     const std::string& input) {
    const std::string path = find_program(program);
    if (path.empty()) return {127, program + " is not on PATH (or not an executable file)"};
    try {
        pipe_ends in;
        pipe_ends out;
        const pid_t pid = spawn({path, args, "", {}}, {in.read_end(), out.write_end(), false});
        in.close_read();
        out.close_write();
        write_ignoring_sigpipe(in.write_end(), input); // short: a script, a job id
        in.close_write();
        return finish(pid, out.read_end());
    } catch (const launch_error& e) {
        return {127, e.what()};
    }
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
