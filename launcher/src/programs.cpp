#include <dc/launcher/programs.hpp>

#include <boost/process/search_path.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

namespace dc::launcher {

std::string find_program(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        std::error_code ec;
        const bool runnable =
            ::access(name.c_str(), X_OK) == 0 && !std::filesystem::is_directory(name, ec);
        return runnable ? name : std::string();
    }
    return boost::process::search_path(name).string();
}

int exit_code_of(int wait_status) noexcept {
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return WEXITSTATUS(wait_status);
}

} // namespace dc::launcher
