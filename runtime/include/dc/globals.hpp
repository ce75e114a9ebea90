#pragma once
// Explicit data movement between processes (ParallelDataTransfer.jl): every process keeps a
// store of named values that calls read with dc::global_ref.
//
//   dc::sendto(dc::workers(), "table", table);               // a copy on each worker
//   dc::remotecall_fetch([] { return dc::global_ref<table_t>("table").size(); }, 2);
//   auto t = dc::getfrom<table_t>(2, "table");               // a copy back here
//   dc::passobj(2, {3, 4}, "table");                         // from 2 to 3 and 4
//   dc::clear_globals(dc::workers());                        // Julia's clear!

#include <dc/detail/calls.hpp>
#include <dc/detail/global_store.hpp>
#include <dc/detail/tree.hpp>
#include <dc/procs.hpp>
#include <dc/remotecall.hpp>
#include <dc/serialize.hpp>
#include <dc/wait_all.hpp>

#include <any>
#include <string>
#include <vector>

namespace dc {

/// Stores `value` under `name` on this process, replacing what was there.
template <class T> void set_global(const std::string& name, T value) {
    detail::store_global(name, std::any(std::move(value)), detail::global_setter<T>::key,
                         &detail::global_setter<T>::encode);
}

/// The value stored under `name` on this process. The reference stays valid until the name is
/// stored again or cleared (threads that share a global synchronise themselves). Throws
/// dc::missing_global naming the name, the process and what is stored there.
template <class T> T& global_ref(const std::string& name) {
    return *std::any_cast<T>(static_cast<std::any*>(detail::find_global(name, typeid(T))));
}

/// Stores a copy of `value` under `name` on each of `ids` (this process too when listed), and
/// waits for all. The value goes through a fan-out tree (dc/detail/tree.hpp), so this process
/// sends it a few times, not once per process. Throws dc::composite_exception naming each
/// process that failed.
template <class T>
void sendto(const std::vector<int>& ids, const std::string& name, const T& value) {
    const auto handles = detail::weighted_handles_encoded();
    detail::bytes args;
    detail::encode_into(args, name, value);
    const detail::function_id setter{detail::global_setter<T>::key, 0, 0};
    if (detail::weighted_handles_encoded() == handles) {
        const auto failures = detail::tree_call(ids, setter, args);
        if (!failures.empty()) throw composite_exception(failures.exceptions());
        return;
    }
    std::vector<future<void>> stores; // a value that holds a future: an encoding per process
    stores.reserve(ids.size());
    if (!ids.empty()) {
        stores.emplace_back(
            detail::submit_call(ids[0], setter, std::move(args), detail::call_mode::store));
    }
    for (std::size_t i = 1; i < ids.size(); ++i) {
        detail::bytes own;
        detail::encode_into(own, name, value);
        stores.emplace_back(
            detail::submit_call(ids[i], setter, std::move(own), detail::call_mode::store));
    }
    wait_all(stores);
}

/// A copy of the value stored under `name` on process `id`. Throws dc::remote_exception (of
/// type dc::missing_global) when there is none or it is not a T.
template <class T> T getfrom(int id, const std::string& name) {
    return remotecall_fetch([](const std::string& n) { return global_ref<T>(n); }, id, name);
}

/// Copies the value stored under `name` on process `from` to each of `to`, straight from
/// `from` (this process need not know its type). Throws dc::remote_exception when `from` has
/// no such value, dc::composite_exception (inside it) naming targets that failed.
void passobj(int from, const std::vector<int>& to, const std::string& name);

/// Forgets every named value on each of `ids` (Julia's clear!), and waits for all.
void clear_globals(const std::vector<int>& ids);

} // namespace dc
