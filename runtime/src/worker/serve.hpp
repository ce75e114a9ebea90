#pragma once

namespace dc::detail {

/// Worker mode: connects to the master named in the environment, serves calls until told to
/// exit or the master is gone, then ends the process. Never returns.
[[noreturn]] void serve_as_worker();

} // namespace dc::detail
