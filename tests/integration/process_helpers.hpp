#pragma once
// Running a command and collecting its exit code and output, for tests.

#include <map>
#include <string>
#include <vector>

struct run_result {
    int code = -1;
    std::string out;
    std::string err;
};

/// Runs `args` (args[0] is the program) with extra environment variables; waits at most
/// `limit_s` seconds (then kills it and returns code -1).
run_result run_command(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {}, int limit_s = 120);

/// Lines of `text` that contain `needle`.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle);
/// True if a process with this pid exists (and is not a zombie).
bool process_alive(int pid);
