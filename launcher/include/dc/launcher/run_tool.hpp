#pragma once
// Running a short-lived tool (sbatch, qsub, qstat, qdel, scancel) and collecting what it says.

#include <string>
#include <vector>

namespace dc::launcher {

struct tool_result {
    int code = -1;   ///< exit code; 127 when the tool could not be started
    std::string out; ///< standard output and error together
};

/// Runs `program` (a path, or a name looked up on PATH) with `args`, writing `input` to its
/// standard input, and waits for it.
tool_result run_tool(const std::string& program, const std::vector<std::string>& args,
                     const std::string& input = "");

/// `text` in single quotes, safe as one word for sh.
std::string shell_quote(const std::string& text);

} // namespace dc::launcher
