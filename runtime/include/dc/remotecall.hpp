#pragma once
// Remote execution: remotecall, remotecall_fetch, remotecall_wait, remote_do, spawnat,
// fetchfrom, everywhere. `f` is any plain function or capture-less lambda of the program; no
// registration is needed because every process runs the same binary.

#include <dc/detail/call_plan.hpp>
#include <dc/detail/calls.hpp>
#include <dc/detail/tree.hpp>
#include <dc/future.hpp>
#include <dc/procs.hpp>
#include <dc/wait_all.hpp>
#include <dc/worker_pool.hpp>

#include <exception>
#include <type_traits>
#include <utility>
#include <vector>

namespace dc {

/// Pass to spawnat to let dc pick a worker (round-robin).
inline constexpr int any_worker = 0;
/// Julia's spelling of any_worker.
inline constexpr int any = any_worker;

namespace detail {
/// A call site's function and encoded arguments.
template <class F, class... A> std::pair<function_id, bytes> encode_call(F f, A&&... args) {
    using inv = typename call_plan<F, A...>::invoker_type;
    std::pair<function_id, bytes> call{function_id{inv::key, 0, 0}, bytes{}};
    {
        vector_sink sink(call.second);
        std::ostream os(&sink);
        cereal::BinaryOutputArchive ar(os);
        inv::encode(ar, std::forward<A>(args)...);
    }
    if constexpr (std::is_pointer_v<F>) {
        auto where = locate_function(reinterpret_cast<const void*>(f));
        call.first.image = where.image;
        call.first.offset = where.offset;
    }
    return call;
}
template <class F, class... A>
std::shared_ptr<ref_state> send_call(F f, int id, call_mode mode, A&&... args) {
    auto call = encode_call(f, std::forward<A>(args)...);
    return submit_call(id, call.first, std::move(call.second), mode);
}
template <class F, class... A> using result_of = typename call_plan<F, A...>::result;
} // namespace detail

/// Runs f(args...) on process `id` and returns at once; the value stays on `id` until fetched.
/// Throws dc::process_exited if `id` is not a live process.
template <class F, class... A>
future<detail::result_of<F, A...>> remotecall(F f, int id, A&&... args) {
    return future<detail::result_of<F, A...>>(
        detail::send_call(f, id, detail::call_mode::store, std::forward<A>(args)...));
}

/// Runs f(args...) on an idle worker of `pool`; the worker returns to the pool when the call
/// completes. Waits while every worker of the pool is busy.
template <class F, class... A>
future<detail::result_of<F, A...>> remotecall(F f, worker_pool& pool, A&&... args) {
    const int id = pool.take();
    std::shared_ptr<detail::ref_state> state;
    try {
        state = detail::send_call(f, id, detail::call_mode::store, std::forward<A>(args)...);
    } catch (...) {
        pool.remove(id);
        throw;
    }
    auto* settled = state.get(); // the callback runs from this state, so it is alive then
    state->on_settled([pool, id, settled]() mutable {
        if (settled->current() == detail::ref_state::status::failed) { // the worker exited
            pool.remove(id);
        } else {
            pool.put_back(id);
        }
    });
    return future<detail::result_of<F, A...>>(std::move(state));
}

/// Runs f(args...) on `id` and returns its value (one round trip). Throws dc::remote_exception
/// if f threw, dc::process_exited if `id` died.
template <class F, class... A>
detail::result_of<F, A...> remotecall_fetch(F f, int id, A&&... args) {
    future<detail::result_of<F, A...>> fut(
        detail::send_call(f, id, detail::call_mode::fetch, std::forward<A>(args)...));
    if constexpr (std::is_void_v<detail::result_of<F, A...>>) {
        fut.fetch();
    } else {
        return std::move(fut).fetch();
    }
}

/// remotecall, then wait for completion; throws like future::wait.
template <class F, class... A>
future<detail::result_of<F, A...>> remotecall_wait(F f, int id, A&&... args) {
    auto fut = remotecall(f, id, std::forward<A>(args)...);
    fut.wait();
    return fut;
}

/// Runs f(args...) on `id` with no reply; errors are printed by the worker.
template <class F, class... A> void remote_do(F f, int id, A&&... args) {
    detail::send_call(f, id, detail::call_mode::oneway, std::forward<A>(args)...);
}

/// Julia's @spawnat: remotecall on `id`, or on the next worker when `id` is dc::any_worker.
template <class F, class... A>
future<detail::result_of<F, A...>> spawnat(int id, F f, A&&... args) {
    return remotecall(f, id == any_worker ? detail::next_worker() : id, std::forward<A>(args)...);
}

/// Julia's @fetchfrom: remotecall_fetch with the id first.
template <class F, class... A> detail::result_of<F, A...> fetchfrom(int id, F f, A&&... args) {
    return remotecall_fetch(f, id, std::forward<A>(args)...);
}

namespace detail {
/// everywhere for arguments that hold a future or a channel (their encoding carries a share
/// of a weight, so it is decoded once): each process gets its own encoding; the first one
/// made goes to the first process.
template <class F, class... A>
void everywhere_flat(const std::vector<int>& ids, std::pair<function_id, bytes>&& first, F f,
                     const A&... args) {
    std::vector<future<result_of<F, const A&...>>> pending;
    if (!ids.empty()) {
        pending.emplace_back(
            submit_call(ids[0], first.first, std::move(first.second), call_mode::store));
    }
    for (std::size_t i = 1; i < ids.size(); ++i)
        pending.push_back(remotecall(f, ids[i], args...));
    wait_all(pending);
}
} // namespace detail

/// Runs f(args...) on each process of `ids` (this one too when listed; each process once) and
/// waits for all (Julia's @everywhere ids expr). The call goes through a fan-out tree (see
/// dc/detail/tree.hpp; DC_TREE_DEGREE sets its width): this process sends a few messages, not
/// one per process. Throws dc::composite_exception holding every process's error, ascending by
/// process id: dc::remote_exception for a call that threw, dc::process_exited for a process
/// that died or is not part of the cluster.
template <class F, class... A> void everywhere(const std::vector<int>& ids, F f, const A&... args) {
    const auto handles = detail::weighted_handles_encoded();
    auto call = detail::encode_call(f, args...);
    if (detail::weighted_handles_encoded() != handles) {
        detail::everywhere_flat(ids, std::move(call), f, args...);
        return;
    }
    const auto failures = detail::tree_call(ids, call.first, call.second);
    if (!failures.empty()) throw composite_exception(failures.exceptions());
}

/// Runs f(args...) on every process (master included) and waits for all. Throws
/// dc::composite_exception holding every process's error.
template <class F, class... A>
requires(!std::is_convertible_v<F, const std::vector<int>&>) void everywhere(F f,
                                                                             const A&... args) {
    everywhere(procs(), f, args...);
}

} // namespace dc
