#pragma once
// A worker's part of the timeline (see trace/trace_log.hpp): its clock's offset from the
// master's, and sending what it recorded.

#include <cstdint>
#include <string>

namespace dc::detail {
class runtime;
}

namespace dc::detail::trace {

/// This machine's kernel boot id: processes with the same one read the same clock.
std::string boot_id();
/// The offset to add to this process's clock to read the master's, from the handshake's four
/// times (NTP's estimate: exact when both directions take as long); 0 on the master's machine
/// (`master_boot_id` is this one's), where an estimate could only add error.
std::int64_t clock_offset(std::int64_t hello_sent, std::int64_t hello_received,
                          std::int64_t welcome_sent, std::int64_t welcome_received,
                          const std::string& master_boot_id);
/// Sends the master what was recorded since the last chunk (`last`: this worker is exiting).
void send_chunk(runtime& rt, std::int64_t offset, bool last);
/// Sends a chunk every second, from a thread of its own, for as long as the process lives (a
/// worker that dies loses at most its last second).
void start_worker_flushes(std::int64_t offset);

} // namespace dc::detail::trace
