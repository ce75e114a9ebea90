#include <dc/launcher/programs.hpp>
#include <dc/launcher/run_tool.hpp>

#include "spawn.hpp"

#include <dc/errors.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace dc::launcher {

tool_result run_tool(const std::string& program, const std::vector<std::string>& args,
                     const std::string& input) {
    const std::string path = find_program(program);
    if (path.empty()) return {127, program + " is not on PATH (or not an executable file)"};
    int in[2];
    int out[2];
    if (::pipe2(in, O_CLOEXEC) != 0) return {127, "cannot run " + path + ": no pipe"};
    if (::pipe2(out, O_CLOEXEC) != 0) {
        ::close(in[0]);
        ::close(in[1]);
        return {127, "cannot run " + path + ": no pipe"};
    }
    pid_t pid = -1;
    std::string failed;
    try {
        pid = spawn({path, args, "", {}}, {in[0], out[1], false});
    } catch (const launch_error& e) {
        failed = e.what();
    }
    ::close(in[0]);
    ::close(out[1]);
    if (pid > 0) write_ignoring_sigpipe(in[1], input); // short: a script, a job id
    ::close(in[1]);
    tool_result r;
    char buf[4096];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        r.out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(out[0]);
    if (pid <= 0) return {127, failed};
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.code = exit_code_of(status);
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
