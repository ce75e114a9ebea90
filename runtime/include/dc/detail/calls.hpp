#pragma once
// The compiled entry points that the call templates use.

#include <dc/detail/function_id.hpp>
#include <dc/detail/ref_state.hpp>

#include <memory>
#include <span>

namespace dc::detail {

enum class call_mode : std::uint8_t {
    fetch = 1,  ///< reply with the value at once (remotecall_fetch)
    store = 2,  ///< keep the value on the callee, tell the caller when done (remotecall)
    oneway = 3, ///< no reply at all (remote_do)
};

/// Sends (or runs in-process, when `pid` is this process) a call. Returns the state of its
/// value, or nullptr for call_mode::oneway. Throws dc::process_exited for unknown/dead ids.
std::shared_ptr<ref_state> submit_call(int pid, const function_id& fn, bytes&& args,
                                       call_mode mode);

/// submit_call whose arguments are `prefix` followed by `rest`, sent as they are (a large
/// `rest` is not copied into one buffer with the prefix).
std::shared_ptr<ref_state> submit_call(int pid, const function_id& fn, std::span<const char> prefix,
                                       std::span<const char> rest, call_mode mode);

/// The next worker in round-robin order (this process when alone).
int next_worker();

} // namespace dc::detail
