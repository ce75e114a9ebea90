// Weighted reference counting, in a local context: a shared future carries half of its holder's
// weight, the owner frees the value when all weight is back, and a share that runs out asks
// the owner for more.

#include "futures/value_store.hpp"
#include "local/local_context.hpp"

#include <dc/detail/ref_state.hpp>

#include <gtest/gtest.h>

using namespace dc::detail;

namespace {

constexpr std::uint64_t ref = 42;

std::shared_ptr<ref_state> stored_value(local_context& here, const std::string& text) {
    here.store().expect(ref);
    here.store().put(ref, false, std::make_shared<const bytes>(text.begin(), text.end()));
    return std::make_shared<ref_state>(ref, 1, value_store::initial_weight,
                                       ref_state::arrival::done);
}

} // namespace

TEST(ref_state, sharing_splits_the_weight_and_the_last_holder_frees_the_value) {
    local_context here;
    auto original = stored_value(here, "v");
    const auto handle = original->share();
    ASSERT_TRUE(handle.has_value());
    EXPECT_EQ(handle->weight, value_store::initial_weight / 2);
    EXPECT_FALSE(handle->has_value); // a reference, not the value
    auto copy = ref_state::adopt(ref_handle(*handle));
    original.reset();
    EXPECT_EQ(here.store().size(), 1U) << "the copy still holds half";
    const auto value = copy->fetch_bytes();
    EXPECT_EQ(std::string(value.begin(), value.end()), "v");
    copy.reset();
    EXPECT_EQ(here.store().size(), 0U) << "all weight is back: the value is freed";
}

TEST(ref_state, a_share_that_has_run_out_of_weight_gets_more_from_the_owner) {
    local_context here;
    auto original = stored_value(here, "w");
    std::vector<std::shared_ptr<ref_state>> copies;
    for (int i = 0; i < 64; ++i) // 2^62 halves to 1 after 62 shares; then more is asked for
        copies.push_back(ref_state::adopt(std::move(*original->share())));
    std::vector<std::shared_ptr<ref_state>> copies_of_copies;
    for (const auto& c : copies) {
        auto h = c->share();
        ASSERT_TRUE(h.has_value());
        EXPECT_GT(h->weight, 0);
        copies_of_copies.push_back(ref_state::adopt(std::move(*h)));
    }
    copies_of_copies.clear();
    original.reset();
    copies.clear();
    EXPECT_EQ(here.store().size(), 0U) << "the weight added was returned too";
}

TEST(ref_state, a_value_made_here_travels_with_its_handle) {
    local_context here;
    auto s = ref_state::make_here(1, bytes{'h', 'i'}, false);
    const auto h = s->share();
    ASSERT_TRUE(h.has_value());
    EXPECT_TRUE(h->has_value);
    EXPECT_EQ(h->value, (bytes{'h', 'i'}));
    EXPECT_EQ(here.store().size(), 0U);
}
