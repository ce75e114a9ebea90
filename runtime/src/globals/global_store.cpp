#include <dc/detail/global_store.hpp>

#include "context/cluster_context.hpp"
#include "engine/engine.hpp"
#include "futures/value_store.hpp"
#include "util/demangle.hpp"

#include <dc/errors.hpp>

#include <map>
#include <mutex>

namespace dc::detail {
namespace {

struct global {
    std::any value;
    std::uint64_t setter_key = 0;
    global_encoder encode = nullptr;
};

struct store {
    std::mutex mutex;
    std::map<std::string, global> values; // nodes are stable: global_ref hands out references
};

store& globals() {
    static store s;
    return s;
}

std::string where() {
    return "process " + std::to_string(cluster_context::current().id());
}

} // namespace

void store_global(const std::string& name, std::any value, std::uint64_t setter_key,
                  global_encoder encode) {
    auto& s = globals();
    global replaced{std::move(value), setter_key, encode};
    {
        std::lock_guard lock(s.mutex);
        std::swap(s.values[name], replaced);
    } // the old value is destroyed outside the lock (its destructor may use dc)
}

void* find_global(const std::string& name, const std::type_info& wanted) {
    auto& s = globals();
    std::lock_guard lock(s.mutex);
    auto it = s.values.find(name);
    if (it == s.values.end()) {
        throw missing_global("dc::global_ref: " + where() + " has no global named '" + name +
                             "' (" + std::to_string(s.values.size()) +
                             " stored; dc::sendto or dc::set_global store one)");
    }
    if (it->second.value.type() != wanted) {
        throw missing_global("dc::global_ref: the global '" + name + "' on " + where() + " is a " +
                             demangle(it->second.value.type().name()) + ", not a " +
                             demangle(wanted.name()));
    }
    return &it->second.value; // the caller any_casts to the type it asked for
}

std::pair<std::uint64_t, bytes> global_as_call(const std::string& name) {
    auto& s = globals();
    std::lock_guard lock(s.mutex);
    auto it = s.values.find(name);
    if (it == s.values.end()) {
        throw missing_global("dc::passobj: " + where() + " has no global named '" + name + "'");
    }
    bytes args;
    it->second.encode(name, it->second.value, args);
    return {it->second.setter_key, std::move(args)};
}

void clear_all_globals() {
    auto& s = globals();
    std::map<std::string, global> gone;
    {
        std::lock_guard lock(s.mutex);
        gone.swap(s.values);
    } // values are destroyed outside the lock
}

} // namespace dc::detail
