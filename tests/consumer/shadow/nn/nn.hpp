// Another library's <nn/nn.hpp> (see ../autodiff/autodiff.hpp): it must never be reached.
#error "another library's nn/nn.hpp shadowed tapegrad's"
