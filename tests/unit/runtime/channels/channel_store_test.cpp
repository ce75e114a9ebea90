// The channel owner's state machine (channels/channel_store.cpp), operation by operation: who
// is answered when, and with what.

#include "channels/channel_ops.hpp"
#include "channels/channel_store.hpp"
#include "local/local_context.hpp"
#include "protocol/heads.hpp"

#include <dc/detail/channel_handle.hpp>

#include <gtest/gtest.h>

using namespace dc::detail;
namespace op = channel_op;

namespace {

bytes item(const std::string& text) {
    return {text.begin(), text.end()};
}

std::string text(const bytes& b) {
    return {b.begin(), b.end()};
}

class channel_store_test : public ::testing::Test {
protected:
    static constexpr std::uint64_t id = 7;
    channel_store store;
    std::uint64_t next_req = 100;

    /// Applies `o` as process `pid`; returns the answers and the request id used.
    std::vector<channel_store::answer> apply(std::uint8_t o, int pid = 2, bytes payload = {}) {
        last_req = ++next_req;
        return store.apply(id, o, pid, last_req, payload);
    }
    std::uint64_t last_req = 0;

    void SetUp() override {
        auto created = store.apply(id, op::create, 1, 1, encode_word(std::uint64_t{1}));
        ASSERT_EQ(created.size(), 1U);
    }
};

} // namespace

TEST_F(channel_store_test, a_put_into_a_full_channel_waits_until_a_take_makes_room) {
    EXPECT_EQ(apply(op::put, 2, item("a")).size(), 1U); // accepted at once
    EXPECT_TRUE(apply(op::put, 3, item("b")).empty());  // full: process 3 waits
    const auto waiting_put = last_req;
    const auto taken = apply(op::take, 4);
    ASSERT_EQ(taken.size(), 2U);
    EXPECT_EQ(taken[0].pid, 4);
    EXPECT_EQ(text(taken[0].payload), "a");
    EXPECT_EQ(taken[1].pid, 3); // its item went in: its put returns
    EXPECT_EQ(taken[1].req, waiting_put);
    const auto fetched = apply(op::fetch, 5); // a copy: stays in the channel
    ASSERT_EQ(fetched.size(), 1U);
    EXPECT_EQ(text(fetched[0].payload), "b");
    EXPECT_EQ(text(apply(op::take, 5).at(0).payload), "b");
}

TEST_F(channel_store_test, a_take_on_an_empty_channel_is_answered_by_the_next_put) {
    EXPECT_TRUE(apply(op::take, 2).empty());
    const auto taker = last_req;
    const auto put = apply(op::put, 3, item("x"));
    ASSERT_EQ(put.size(), 2U);
    bool taker_got_x = false;
    for (const auto& a : put)
        taker_got_x = taker_got_x || (a.pid == 2 && a.req == taker && text(a.payload) == "x");
    EXPECT_TRUE(taker_got_x);
    EXPECT_EQ(store.size(), 1U);
}

TEST_F(channel_store_test, try_take_and_isready_never_wait) {
    EXPECT_EQ(apply(op::try_take).at(0).payload, bytes{0});
    EXPECT_EQ(apply(op::isready).at(0).payload, bytes{0});
    apply(op::put, 2, item("y"));
    EXPECT_EQ(apply(op::isready).at(0).payload, bytes{1});
    EXPECT_EQ(text(apply(op::try_take).at(0).payload), std::string("\1y"));
}

TEST_F(channel_store_test, close_fails_waiting_puts_at_once_and_takes_once_it_is_empty) {
    apply(op::put, 2, item("kept"));
    EXPECT_TRUE(apply(op::put, 3, item("late")).empty());
    const auto closed = apply(op::close, 4);
    ASSERT_EQ(closed.size(), 2U);
    EXPECT_EQ(closed[0].pid, 3);
    EXPECT_TRUE(closed[0].is_error);
    EXPECT_EQ(apply(op::isopen).at(0).payload, bytes{0});
    EXPECT_EQ(text(apply(op::take, 5).at(0).payload), "kept"); // what was in can be taken
    const auto after = apply(op::take, 5);
    ASSERT_EQ(after.size(), 1U);
    EXPECT_TRUE(after[0].is_error);
    EXPECT_TRUE(apply(op::put, 6, item("no")).at(0).is_error);
}

TEST_F(channel_store_test, a_withdrawn_take_is_never_answered) {
    EXPECT_TRUE(apply(op::take, 2).empty());
    const auto taker = last_req;
    EXPECT_EQ(apply(op::withdraw, 2, encode_word(taker)).at(0).payload, bytes{1});
    EXPECT_EQ(apply(op::withdraw, 2, encode_word(taker)).at(0).payload, bytes{0});
    EXPECT_EQ(apply(op::put, 3, item("z")).size(), 1U); // only the putter is answered
    EXPECT_EQ(text(apply(op::take, 4).at(0).payload), "z");
}

TEST_F(channel_store_test, a_process_that_exits_stops_waiting_and_the_last_release_frees_it) {
    EXPECT_TRUE(apply(op::take, 2).empty());
    store.drop_waiters(2);
    EXPECT_EQ(apply(op::put, 3, item("w")).size(), 1U);
    EXPECT_TRUE(store.apply(id, op::release, 1, 0, encode_word(std::int64_t{1} << 62)).empty());
    EXPECT_EQ(store.size(), 0U);
    const auto gone = apply(op::take, 4);
    ASSERT_EQ(gone.size(), 1U);
    EXPECT_TRUE(gone[0].is_error);
}

// A channel handed on along a chain of processes halves its weight at each hop: after 62 the
// holder asks the owner for more, and the owner frees the channel when every share is back.
TEST(channel_handle, a_long_chain_of_shares_tops_up_the_weight_and_frees_the_channel) {
    local_context here;
    std::vector<std::unique_ptr<channel_handle>> chain;
    chain.push_back(std::make_unique<channel_handle>(1, 1));
    chain.back()->put(bytes{'q'});
    for (int hop = 0; hop < 70; ++hop)
        chain.push_back(std::make_unique<channel_handle>(chain.back()->share()));
    EXPECT_EQ(chain.back()->take(), bytes{'q'});
    EXPECT_EQ(here.channels().size(), 1U);
    chain.clear();
    EXPECT_EQ(here.channels().size(), 0U);
}
