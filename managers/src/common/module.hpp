#pragma once
// Managers that need large libraries (the ssh manager: libssh, OpenSSL, Kerberos) live in
// modules, shared objects that a master loads when it first uses one. A program with local
// workers, and every worker, never maps those libraries (see README, "Layout").
//
// A module libdc_<name>.so is looked for in $DC_MODULE_DIR if it is set, otherwise where dc
// was installed, then in the build tree; it is taken only if its stamp (version and interface
// headers) matches the build of dc this program was linked with.

#include <string>

#define DC_MODULE_EXPORT __attribute__((visibility("default")))

namespace dc::managers {

/// The address of `symbol` in module `name`, loaded on first use and kept for the life of the
/// process. Throws dc::launch_error naming the places looked at and what was wrong with each.
void* module_symbol(const std::string& name, const char* symbol);

} // namespace dc::managers
