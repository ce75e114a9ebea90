#include "common/module.hpp"

#include <dc/errors.hpp>

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <vector>

namespace dc::managers {
namespace {

/// $DC_MODULE_DIR alone when it is set; otherwise where dc is installed, then its build tree.
std::vector<std::string> module_dirs() {
    if (const char* dir = std::getenv("DC_MODULE_DIR"); dir && *dir) return {dir};
    return {DC_MODULE_INSTALL_DIR, DC_MODULE_BUILD_DIR};
}

/// Opens libdc_<name>.so from the first directory that has one of this build; "why" collects
/// what was wrong with the others.
void* open_module(const std::string& name, std::string& why) {
    const std::string file = "libdc_" + name + ".so";
    for (const auto& dir : module_dirs()) {
        const auto path = std::filesystem::path(dir) / file;
        if (!std::filesystem::exists(path)) {
            why += "\n  " + path.string() + ": not there";
            continue;
        }
        void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            why += "\n  " + path.string() + ": " + ::dlerror();
            continue;
        }
        auto stamp = reinterpret_cast<const char* (*)()>(::dlsym(handle, "dc_module_stamp"));
        if (stamp && std::string(stamp()) == DC_MODULE_STAMP) return handle;
        why += "\n  " + path.string() + ": from another build of dc";
        ::dlclose(handle);
    }
    return nullptr;
}

} // namespace

void* module_symbol(const std::string& name, const char* symbol) {
    static std::mutex mutex;
    static std::map<std::string, void*> loaded; // never closed: their objects live to the end
    std::lock_guard lock(mutex);
    void*& handle = loaded[name];
    if (!handle) {
        std::string why;
        handle = open_module(name, why);
        if (!handle) {
            loaded.erase(name);
            throw launch_error("the " + name + " manager's module libdc_" + name +
                               ".so was not found:" + why +
                               "\n  hint: install dc again, or set DC_MODULE_DIR to the "
                               "directory that has the module of this build");
        }
    }
    void* address = ::dlsym(handle, symbol);
    if (!address) throw launch_error("module libdc_" + name + ".so has no " + symbol);
    return address;
}

} // namespace dc::managers
