#pragma once
// Every manager by name: its settings codec, its factory and its cluster-file section reader.
// dcrun
// (flags, cluster files, submit) and dc::init (the master) look managers up here, and only
// here; adding a manager is adding an entry.

#include <dc/managers/cluster_manager.hpp>
#include <dc/managers/pbs_manager.hpp>
#include <dc/managers/slurm_manager.hpp>
#include <dc/managers/ssh_manager.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dc::managers {

/// Every manager's settings as dcrun collects them (cluster file sections, then flags).
struct manager_settings {
    ssh_settings ssh;
    slurm_settings slurm;
    pbs_settings pbs;
};

struct manager_entry {
    std::string_view name;    ///< after --manager and `manager:` in cluster files
    std::string_view section; ///< its cluster-file section ("" = none)
    /// A batch system: `dcrun submit` can use it, and it needs -n unless it is inside an
    /// allocation of its own.
    bool batch = false;
    /// Its part of the settings as one line of text, for the master's environment.
    std::string (*encode)(const manager_settings&) = nullptr;
    /// A manager made from that text; null for "local" (the runtime's own child processes).
    std::unique_ptr<cluster_manager> (*make)(const std::string& encoded) = nullptr;
    /// Reads its cluster-file section into the settings; null when it has none.
    void (*read_section)(const config_reader&, const config_node&, manager_settings&) = nullptr;
};

/// All managers, "local" first.
const std::vector<manager_entry>& manager_registry();
/// The entry named `name`. Throws dc::config_error naming the managers there are.
const manager_entry& find_manager(std::string_view name);
/// Their names, in registry order.
std::vector<std::string> manager_names();

} // namespace dc::managers
