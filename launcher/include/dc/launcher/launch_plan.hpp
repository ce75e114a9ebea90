#pragma once
// What dcrun asks of the master: dcrun writes it into the master's environment (the
// DC_LAUNCH_* variables of bootstrap.hpp, with DC_LOG_LEVEL and DC_BIND_TO) and dc::init reads
// it back. This pair is the only code that knows those variables' spelling.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dc::launcher {

struct launch_plan {
    int procs = 0;                      ///< workers to start (with a manager, 0 = its own count)
    std::string manager = "local";      ///< a name of managers/registry.hpp
    std::string manager_settings;       ///< as that manager's entry encodes them
    std::string exename;                ///< "" = the master's program
    std::vector<std::string> exeflags;  ///< each item one argument, as given
    std::string dir;                    ///< "" = the master's directory
    std::vector<std::string> env;       ///< KEY=VALUE for the workers
    std::optional<double> timeout;      ///< seconds a worker may take to connect
    std::optional<double> heartbeat;    ///< seconds of silence before a process counts as dead
    int min_workers = 0;                ///< 0: wait for all
    std::optional<double> drain_before; ///< seconds before its walltime a worker leaves
    bool replace_workers = false;       ///< a new job for each worker that leaves so
    std::string adapt;                  ///< "MIN:MAX" (dc::adapt), "" = fixed size
    std::optional<double> idle_timeout; ///< seconds before adapt releases an idle worker
    std::string trace;                  ///< the timeline file, "" = none
    bool quiet = false;                 ///< no launch progress line on a terminal
    std::string topology;               ///< "" = all_to_all
    std::string log_level;              ///< "" = warn; the workers inherit it
    std::string bind_to;                ///< "" = loopback; an address, interface or CIDR block

    bool operator==(const launch_plan&) const = default;
};

using environment_map = std::map<std::string, std::string>;

/// MIN and MAX of "MIN:MAX" (0 <= MIN <= MAX, MAX >= 1), or nothing when malformed.
std::optional<std::pair<int, int>> parse_adapt_range(const std::string& text);

/// The variables that carry `plan` (only those that differ from the defaults).
environment_map encode_launch_plan(const launch_plan& plan);
/// Reads them back. Throws dc::config_error naming a malformed variable.
launch_plan decode_launch_plan(const environment_map& vars);
/// The plan dcrun put in this process's environment, or nothing when dcrun did not start it.
/// The DC_LAUNCH_* variables are taken out so that the workers do not inherit them.
std::optional<launch_plan> take_launch_plan();

} // namespace dc::launcher
