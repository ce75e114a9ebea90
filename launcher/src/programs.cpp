#include <dc/launcher/programs.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>

namespace dc::launcher {

namespace {

bool runnable(const std::string& path) {
    std::error_code ec;
    return ::access(path.c_str(), X_OK) == 0 && !std::filesystem::is_directory(path, ec);
}

} // namespace

// PATH is searched here rather than with Boost.Process's search_path: that was the only use of
// Boost.Filesystem, a library every process (each worker) would otherwise load.
std::string find_program(const std::string& name) {
    if (name.empty()) return {};
    if (name.find('/') != std::string::npos) return runnable(name) ? name : std::string();
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    for (;;) {
        const auto colon = dirs.find(':');
        std::string candidate(colon == 0 ? std::string_view(".") : dirs.substr(0, colon));
        candidate.append("/").append(name);
        if (runnable(candidate)) return candidate;
        if (colon == std::string_view::npos) return {};
        dirs.remove_prefix(colon + 1);
    }
}

int exit_code_of(int wait_status) noexcept {
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return WEXITSTATUS(wait_status);
}

} // namespace dc::launcher
