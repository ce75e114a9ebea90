#pragma once
// The report page's style sheet and script (report_assets.cpp), embedded in every page.

namespace dc::cli {

extern const char* const page_style;
extern const char* const page_script;

} // namespace dc::cli
