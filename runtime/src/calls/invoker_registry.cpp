// The process-wide table of invokers, filled by static initializers of invoker<...>::key.

#include "util/hash.hpp"

#include <dc/detail/function_id.hpp>

#include <mutex>
#include <unordered_map>

namespace dc::detail {
namespace {

struct registry {
    std::mutex mutex;
    std::unordered_map<std::uint64_t, invoke_fn> table;
    std::unordered_map<std::uint64_t, const char*> callee_types;
};

// A function-local static: invokers register during static initialization of other objects.
registry& invokers() {
    static registry r;
    return r;
}

// Marks a key that two different functions share (internal-linkage lambdas with equal names).
void ambiguous_invoker(const function_id&, std::span<const char>, bytes&);

} // namespace

std::uint64_t register_invoker(const char* mangled_name, invoke_fn fn, const char* callee_type) {
    const std::uint64_t key = fnv1a(mangled_name);
    auto& r = invokers();
    std::lock_guard lock(r.mutex);
    auto [it, inserted] = r.table.emplace(key, fn);
    if (!inserted && it->second != fn) it->second = &ambiguous_invoker;
    if (callee_type) r.callee_types.emplace(key, callee_type);
    return key;
}

const char* invoker_callee_type(std::uint64_t key) noexcept {
    auto& r = invokers();
    std::lock_guard lock(r.mutex);
    auto it = r.callee_types.find(key);
    return it == r.callee_types.end() ? nullptr : it->second;
}

invoke_fn find_invoker(std::uint64_t key) noexcept {
    auto& r = invokers();
    std::lock_guard lock(r.mutex);
    auto it = r.table.find(key);
    return it == r.table.end() ? nullptr : it->second;
}

} // namespace dc::detail

#include <dc/errors.hpp>

namespace dc::detail {
namespace {
void ambiguous_invoker(const function_id&, std::span<const char>, bytes&) {
    throw dc::error("two functions of this program share one name (internal-linkage lambdas in "
                    "different files); give one of them a distinct name or external linkage");
}
} // namespace
} // namespace dc::detail
