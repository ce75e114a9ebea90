#pragma once

#include <string>

namespace dc::detail {

/// Hex GNU build id of the main executable ("" if it was linked without one).
const std::string& main_build_id();

} // namespace dc::detail
