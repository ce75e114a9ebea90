#pragma once
// The fixed heads of the hot-path messages: one struct per layout, its fields in wire order,
// written and read by the one pair of functions below. With messages.hpp (the kinds and the
// cereal-encoded handshake messages) the only place that knows byte layouts. Both sides run
// the same binary (checked at the handshake), so fields are in native byte order.
//
//   call         kind u64:req u8:mode u64:invoker u64:image u64:offset | encoded args
//   result/done  kind u64:req u8:is_error | encoded value or error_info (result only)
//   fetch/watch  kind u64:req u64:ref      (answered by result / done with the same req)
//   release      kind u64:ref i64:weight
//   add_weight   kind u64:req u64:ref i64:weight (answered by an empty result)
//   peer_removed kind i32:pid
//   channel_op   kind u64:req u64:channel u8:op | operation payload (channels/channel_ops.hpp)
//   peer_query / members_query  kind u64:req i32:pid (answered by a result: peer_info / ids)

#include "protocol/messages.hpp"

#include <dc/detail/bytes.hpp>
#include <dc/detail/calls.hpp>
#include <dc/detail/function_id.hpp>

#include <cstdint>
#include <cstring>
#include <span>
#include <stdexcept>
#include <type_traits>

namespace dc::detail {

struct call_head {
    kind k = kind::call;
    std::uint64_t req = 0;
    call_mode mode = call_mode::fetch;
    function_id fn;
    template <class H, class F> static void fields(H& h, F&& f) {
        f(h.req), f(h.mode), f(h.fn.invoker), f(h.fn.image), f(h.fn.offset);
    }
};

/// kind::result (with a value) or kind::done.
struct answer_head {
    kind k = kind::result;
    std::uint64_t req = 0;
    bool is_error = false;
    static constexpr std::size_t size = 1 + 8 + 1;
    template <class H, class F> static void fields(H& h, F&& f) { f(h.req), f(h.is_error); }
};

/// kind::fetch (send the value) or kind::watch (say when it is there).
struct fetch_head {
    kind k = kind::fetch;
    std::uint64_t req = 0;
    std::uint64_t ref = 0;
    template <class H, class F> static void fields(H& h, F&& f) { f(h.req), f(h.ref); }
};

struct release_head {
    kind k = kind::release;
    std::uint64_t ref = 0;
    std::int64_t weight = 0;
    template <class H, class F> static void fields(H& h, F&& f) { f(h.ref), f(h.weight); }
};

struct add_weight_head {
    kind k = kind::add_weight;
    std::uint64_t req = 0;
    std::uint64_t ref = 0;
    std::int64_t weight = 0;
    template <class H, class F> static void fields(H& h, F&& f) { f(h.req), f(h.ref), f(h.weight); }
};

struct peer_removed_head {
    kind k = kind::peer_removed;
    std::int32_t pid = 0;
    template <class H, class F> static void fields(H& h, F&& f) { f(h.pid); }
};

struct channel_op_head {
    kind k = kind::channel_op;
    std::uint64_t req = 0;
    std::uint64_t channel = 0;
    std::uint8_t op = 0;
    template <class H, class F> static void fields(H& h, F&& f) { f(h.req), f(h.channel), f(h.op); }
};

/// The head as bytes; a message's payload (if any) follows it.
template <class Head> bytes encode_head(const Head& h) {
    bytes out;
    out.reserve(40);
    out.push_back(static_cast<char>(h.k));
    Head::fields(h, [&](const auto& field) {
        const std::size_t at = out.size();
        out.resize(at + sizeof(field));
        std::memcpy(out.data() + at, &field, sizeof(field));
    });
    return out;
}

/// Reads the head at the start of `frame`; `payload_at` (if given) is set to where the
/// payload starts. Throws std::out_of_range for a frame too short to hold it.
template <class Head>
Head decode_head(std::span<const char> frame, std::size_t* payload_at = nullptr) {
    Head h;
    std::size_t at = 0;
    const auto read = [&](auto& field) {
        if (frame.size() < at + sizeof(field)) throw std::out_of_range("message too short");
        std::memcpy(&field, frame.data() + at, sizeof(field));
        at += sizeof(field);
    };
    std::uint8_t k = 0;
    read(k);
    h.k = static_cast<kind>(k);
    Head::fields(h, [&](auto& field) {
        using T = std::remove_reference_t<decltype(field)>;
        static_assert(std::is_trivially_copyable_v<T>);
        if constexpr (std::is_same_v<T, bool>) { // any byte but 0 is true, as on the wire
            std::uint8_t b = 0;
            read(b);
            field = b != 0;
        } else {
            read(field);
        }
    });
    if (payload_at) *payload_at = at;
    return h;
}

/// A worker's question to the master: peer_info of `pid` (peer_query) or every id
/// (members_query, `pid` unused). Answered by a result with that request id.
struct query_head {
    kind k = kind::peer_query;
    std::uint64_t req = 0;
    std::int32_t pid = 0;
    template <class H, class F> static void fields(H& h, F&& f) { f(h.req), f(h.pid); }
};

/// A payload of one fixed-size value (a channel's capacity, a weight, a request id).
template <class T> bytes encode_word(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes out(sizeof(T));
    std::memcpy(out.data(), &value, sizeof(T));
    return out;
}

/// Reads a T at `at` and advances it. Throws std::out_of_range on a short payload.
template <class T> T decode_word(std::span<const char> in, std::size_t& at) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (in.size() < at + sizeof(T)) throw std::out_of_range("message too short");
    T value;
    std::memcpy(&value, in.data() + at, sizeof(T));
    at += sizeof(T);
    return value;
}

} // namespace dc::detail
