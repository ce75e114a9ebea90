#pragma once
// Remote execution: remotecall, remotecall_fetch, remotecall_wait, remote_do, spawnat,
// fetchfrom, everywhere. `f` is any plain function or capture-less lambda of the program; no
// registration is needed because every process runs the same binary.

#include <dc/detail/call_plan.hpp>
#include <dc/detail/calls.hpp>
#include <dc/future.hpp>
#include <dc/procs.hpp>
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
template <class F, class... A>
std::shared_ptr<ref_state> send_call(F f, int id, call_mode mode, A&&... args) {
    using inv = typename call_plan<F, A...>::invoker_type;
    bytes encoded;
    {
        vector_sink sink(encoded);
        std::ostream os(&sink);
        cereal::BinaryOutputArchive ar(os);
        inv::encode(ar, std::forward<A>(args)...);
    }
    function_id fid{inv::key, 0, 0};
    if constexpr (std::is_pointer_v<F>) {
        auto where = locate_function(reinterpret_cast<const void*>(f));
        fid.image = where.image;
        fid.offset = where.offset;
    }
    return submit_call(id, fid, std::move(encoded), mode);
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

/// Runs f(args...) on each process of `ids` (this one too when listed), all at once, and waits
/// for all (Julia's @everywhere ids expr). Throws dc::composite_exception holding every
/// process's error.
template <class F, class... A> void everywhere(const std::vector<int>& ids, F f, const A&... args) {
    std::vector<future<detail::result_of<F, const A&...>>> pending;
    bool here = false;
    for (int id : ids) {
        if (id == myid()) {
            here = true;
        } else {
            pending.push_back(remotecall(f, id, args...));
        }
    }
    std::vector<std::exception_ptr> errors;
    if (here) {
        try {
            remotecall_fetch(f, myid(), args...);
        } catch (...) {
            errors.push_back(std::current_exception());
        }
    }
    for (auto& fut : pending) {
        try {
            fut.wait();
        } catch (...) {
            errors.push_back(std::current_exception());
        }
    }
    if (!errors.empty()) throw composite_exception(std::move(errors));
}

/// Runs f(args...) on every process (master included) and waits for all. Throws
/// dc::composite_exception holding every process's error.
template <class F, class... A>
requires(!std::is_convertible_v<F, const std::vector<int>&>) void everywhere(F f,
                                                                             const A&... args) {
    everywhere(procs(), f, args...);
}

} // namespace dc
