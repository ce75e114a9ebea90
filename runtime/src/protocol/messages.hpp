#pragma once
// Messages between dc processes. Hot-path messages (call, result, done, fetch, watch, release)
// have fixed heads written with put/take; handshake and membership messages use cereal.
//
//   call        kind u64:req u8:mode u64:invoker u64:image u64:offset | encoded args
//   result      kind u64:req u8:is_error | encoded value or error_info
//   done        kind u64:req u8:is_error
//   fetch/watch kind u64:req u64:ref          (answered by result / done with the same req)
//   release     kind u64:ref i64:weight
//   add_weight  kind u64:req u64:ref i64:weight (answered by an empty result)

#include <dc/detail/error_info.hpp>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace dc::detail {

enum class kind : std::uint8_t {
    hello = 1,
    welcome,
    peer_hello,
    call,
    result,
    done,
    fetch,
    watch,
    release,
    add_weight,
    peer_added,
    peer_removed,
    exit,
    channel_op,    ///< see channels/channel_ops.hpp
    interrupt,     ///< kind: interrupt the calls running now (dc::interrupt)
    peer_query,    ///< a worker asks the master where a peer listens (answered by a result)
    members_query, ///< a worker asks the master for every process's id
    ping,          ///< kind alone: "still here" (peers/heartbeat.hpp); nothing answers it
    trace_chunk,   ///< a worker's recorded events for the master (trace/trace_log.hpp)
};

inline constexpr const char* protocol_magic = "dcrun-protocol-1";

struct peer_info {
    std::int32_t id = 0;
    std::string host;
    std::vector<std::string> addresses;
    template <class A> void serialize(A& ar) { ar(id, host, addresses); }
};

/// First message of a worker to its master.
struct hello_msg {
    std::string magic;
    std::string cookie;
    std::int32_t id = 0; ///< the id the launcher gave the worker
    std::int64_t os_pid = 0;
    std::string host;
    std::string build_id;
    std::vector<std::string> addresses; ///< where peers reach this worker
    std::int64_t job_end = 0;           ///< when its batch job ends (epoch seconds), 0: never
    std::int64_t sent_ns = 0;           ///< the worker's clock when it sent this
    template <class A> void serialize(A& ar) {
        ar(magic, cookie, id, os_pid, host, build_id, addresses, job_end, sent_ns);
    }
};

struct welcome_msg {
    bool accepted = false;
    std::string reason;
    std::int32_t id = 0;
    std::int32_t topology = 0;
    std::vector<peer_info> peers;
    std::int64_t hello_received_ns = 0; ///< the master's clock when the hello came
    std::int64_t sent_ns = 0;           ///< and when it sent this (the worker estimates its
                                        ///< clock's offset from the four times)
    bool trace = false;                 ///< record a timeline and send it (--trace)
    std::string boot_id;                ///< the master's kernel (same kernel: same clock)
    template <class A> void serialize(A& ar) {
        ar(accepted, reason, id, topology, peers, hello_received_ns, sent_ns, trace, boot_id);
    }
};

/// First message of a worker linking to another worker.
struct peer_hello_msg {
    std::string magic;
    std::string cookie;
    std::int32_t from = 0;
    std::string build_id;
    template <class A> void serialize(A& ar) { ar(magic, cookie, from, build_id); }
};

} // namespace dc::detail
