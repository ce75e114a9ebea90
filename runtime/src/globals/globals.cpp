#include <dc/globals.hpp>

namespace dc {
namespace {

// Runs on `from`: sends its value to each target as a call of the value's own setter.
void pass_own_global(const std::vector<int>& to, const std::string& name) {
    auto [setter, args] = detail::global_as_call(name);
    std::vector<future<void>> stores;
    stores.reserve(to.size());
    for (int id : to) {
        if (id == myid()) continue; // already here
        stores.emplace_back(detail::submit_call(id, detail::function_id{setter, 0, 0},
                                                detail::bytes(args), detail::call_mode::store));
    }
    wait_all(stores);
}

} // namespace

void passobj(int from, const std::vector<int>& to, const std::string& name) {
    remotecall_fetch(pass_own_global, from, to, name);
}

void clear_globals(const std::vector<int>& ids) {
    everywhere(ids, [] { detail::clear_all_globals(); });
}

} // namespace dc
