#include "common/shell_quote.hpp"

namespace dc::managers {

std::string shell_command(const launcher::worker_command& cmd, bool replace_shell) {
    std::string line;
    if (!cmd.dir.empty()) line = "cd " + shell_quote(cmd.dir) + " && ";
    line += replace_shell ? "exec env" : "env";
    for (const auto& [key, value] : cmd.env)
        line.append(" ").append(shell_quote(std::string(key).append("=").append(value)));
    line += " " + shell_quote(cmd.exe);
    for (const auto& a : cmd.args)
        line += " " + shell_quote(a);
    return line;
}

} // namespace dc::managers
