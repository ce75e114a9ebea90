// Function pointers as (image, offset) pairs: the same in every process of one build.

#include "util/hash.hpp"

#include <dc/detail/function_id.hpp>
#include <dc/errors.hpp>

#include <link.h>

#include <cstring>
#include <mutex>
#include <sstream>
#include <string>
#include <unordered_map>

namespace dc::detail {
namespace {

constexpr std::uint64_t main_image = 1;

std::uint64_t image_key(const char* name, bool is_main) {
    if (is_main) return main_image;
    const char* slash = std::strrchr(name, '/');
    return fnv1a(slash ? slash + 1 : name);
}

struct image_search {
    std::uintptr_t address = 0; // in: address to find (0 when searching by key)
    std::uint64_t key = 0;      // in/out
    std::uintptr_t base = 0;    // out: load bias
    bool found = false;
    bool first = true;
};

int visit_image(dl_phdr_info* info, std::size_t, void* data) {
    auto& s = *static_cast<image_search*>(data);
    const bool is_main = s.first;
    s.first = false;
    const std::uint64_t key = image_key(info->dlpi_name, is_main);
    if (s.address == 0) {
        if (key != s.key) return 0;
        s.base = info->dlpi_addr;
        s.found = true;
        return 1;
    }
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const auto& ph = info->dlpi_phdr[i];
        const std::uintptr_t start = info->dlpi_addr + ph.p_vaddr;
        if (ph.p_type == PT_LOAD && s.address >= start && s.address < start + ph.p_memsz) {
            s.key = key;
            s.base = info->dlpi_addr;
            s.found = true;
            return 1;
        }
    }
    return 0;
}

std::mutex cache_mutex;
std::unordered_map<const void*, code_location> located;
std::unordered_map<std::uint64_t, std::uintptr_t> bases;

} // namespace

code_location locate_function(const void* fn) {
    std::lock_guard lock(cache_mutex);
    if (auto it = located.find(fn); it != located.end()) return it->second;
    image_search s;
    s.address = reinterpret_cast<std::uintptr_t>(fn);
    dl_iterate_phdr(visit_image, &s);
    if (!s.found) {
        std::ostringstream msg;
        msg << "function at " << fn << " belongs to no loaded image; it cannot be called remotely";
        throw dc::error(msg.str());
    }
    code_location where{s.key, s.address - s.base};
    located.emplace(fn, where);
    return where;
}

const void* resolve_function(code_location where) {
    std::lock_guard lock(cache_mutex);
    auto it = bases.find(where.image);
    if (it == bases.end()) {
        image_search s;
        s.key = where.image;
        dl_iterate_phdr(visit_image, &s);
        if (!s.found) {
            throw dc::error("a remote call names a function in a shared library this process has "
                            "not loaded; every process must load the same libraries");
        }
        it = bases.emplace(where.image, s.base).first;
    }
    // An address computed from the loader's base is the point of this function.
    const std::uintptr_t address = it->second + where.offset;
    return reinterpret_cast<const void*>(address); // NOLINT(performance-no-int-to-ptr)
}

} // namespace dc::detail
