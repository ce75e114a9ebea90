// The fixed message heads: each decodes to what was encoded, the payload follows the head, and
// a short frame is refused instead of read past its end.

#include "protocol/heads.hpp"

#include <gtest/gtest.h>

using namespace dc::detail;

namespace {

template <class Head> Head round_trip(const Head& h, std::size_t expected_size) {
    const bytes wire = encode_head(h);
    EXPECT_EQ(wire.size(), expected_size);
    EXPECT_EQ(static_cast<kind>(wire[0]), h.k);
    std::size_t payload_at = 0;
    const auto back = decode_head<Head>(wire, &payload_at);
    EXPECT_EQ(payload_at, wire.size());
    EXPECT_THROW(decode_head<Head>(std::span<const char>(wire).first(wire.size() - 1)),
                 std::out_of_range);
    return back;
}

} // namespace

TEST(heads, a_call_head_carries_request_mode_and_function) {
    call_head h{kind::call, 0x0102030405060708ULL, call_mode::store, {11, 22, 33}};
    const auto back = round_trip(h, 34);
    EXPECT_EQ(back.req, h.req);
    EXPECT_EQ(back.mode, call_mode::store);
    EXPECT_EQ(back.fn.invoker, 11U);
    EXPECT_EQ(back.fn.image, 22U);
    EXPECT_EQ(back.fn.offset, 33U);
}

TEST(heads, answers_fetches_and_weights_round_trip) {
    const auto a = round_trip(answer_head{kind::done, 77, true}, answer_head::size);
    EXPECT_EQ(a.k, kind::done);
    EXPECT_EQ(a.req, 77U);
    EXPECT_TRUE(a.is_error);
    const auto f = round_trip(fetch_head{kind::watch, 5, 9}, 17);
    EXPECT_EQ(f.k, kind::watch);
    EXPECT_EQ(f.ref, 9U);
    const auto r = round_trip(release_head{kind::release, 9, -3}, 17);
    EXPECT_EQ(r.weight, -3);
    const auto w = round_trip(add_weight_head{kind::add_weight, 1, 2, 1LL << 61}, 25);
    EXPECT_EQ(w.weight, 1LL << 61);
    EXPECT_EQ(round_trip(peer_removed_head{kind::peer_removed, 42}, 5).pid, 42);
    const auto q = round_trip(query_head{kind::peer_query, 6, 1999}, 13);
    EXPECT_EQ(q.pid, 1999);
    EXPECT_EQ(round_trip(query_head{kind::members_query, 7, 0}, 13).k, kind::members_query);
    const auto c = round_trip(channel_op_head{kind::channel_op, 3, 4, 5}, 18);
    EXPECT_EQ(c.channel, 4U);
    EXPECT_EQ(c.op, 5);
}

TEST(heads, the_payload_follows_the_head) {
    bytes frame = encode_head(answer_head{kind::result, 8, false});
    const bytes value = encode_word(std::uint64_t{1234});
    frame.insert(frame.end(), value.begin(), value.end());
    std::size_t at = 0;
    const auto a = decode_head<answer_head>(frame, &at);
    EXPECT_FALSE(a.is_error);
    EXPECT_EQ(decode_word<std::uint64_t>(frame, at), 1234U);
    EXPECT_EQ(at, frame.size());
    EXPECT_THROW(decode_word<std::uint64_t>(frame, at), std::out_of_range);
}
