#pragma once

#include <map>
#include <string>
#include <vector>

namespace dc::launcher {

/// Everything needed to start one worker process, whatever the manager.
struct worker_command {
    std::string exe;                        ///< program path
    std::vector<std::string> args;          ///< arguments after the program name
    std::string dir;                        ///< working directory ("" = inherit)
    std::map<std::string, std::string> env; ///< added to the inherited environment
};

} // namespace dc::launcher
