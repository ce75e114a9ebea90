#pragma once
// Answering a request for a value this process holds (a stored call result, fetched or watched
// by its futures elsewhere): the value (result) or only that it is there (done).

#include "context/cluster_context.hpp"
#include "futures/value_store.hpp"

#include <cstdint>

namespace dc::detail {

/// Sends process `pid` the answer to request `req`: the value when `with_value`, else "done".
/// A process that has gone is skipped (logged at debug level).
void send_answer(cluster_context& here, int pid, std::uint64_t req, bool with_value,
                 const value_store::stored& s);

} // namespace dc::detail
