#pragma once
// Where an incoming remote call runs: the `call` frame is decoded, the function found by its
// invoker key and run here, and the answer sent as the call's mode asks: the result
// (remotecall_fetch), "done" with the value kept here for its futures (remotecall), or
// nothing (remote_do).

#include "context/cluster_context.hpp"
#include "transport/connection.hpp"

#include <dc/detail/bytes.hpp>
#include <dc/detail/function_id.hpp>

#include <span>
#include <string>

namespace dc::detail {

/// Runs a call in this process (id `self` on `host`, for error messages). Returns true if it
/// threw: `out` then holds an encoded error_info instead of the encoded result.
bool run_call(int self, const std::string& host, const function_id& fn, std::span<const char> args,
              bytes& out);

/// Executes the call in `frame` (kind byte first), which arrived on `from`, and answers it.
void execute_call(cluster_context& here, connection& from, std::span<const char> frame);

} // namespace dc::detail
