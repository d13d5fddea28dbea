// SPDX-License-Identifier: MIT
// inline.hpp: TAPEGRAD_INLINE, the one macro the hot paths use to force inlining.
// The record path (tape/leaves.hpp, tape/tape.hpp) and the expression templates (scalar/) only stay in
// registers when every step of them is inlined into the user's statement; `inline` alone is a hint that
// GCC and clang drop for bodies of this size.
#pragma once

#define TAPEGRAD_INLINE [[gnu::always_inline]] inline
