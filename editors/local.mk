# editors/local.mk - vim syntax and file type detection for .pkt, and
# bash completion, installed where each tool looks when tcpcheck is
# installed under /usr (Debian's vim reads /usr/share/vim/vimfiles,
# bash-completion /usr/share/bash-completion/completions; under
# /usr/local, bash-completion finds it through XDG_DATA_DIRS).
vimfilesdir = $(datadir)/vim/vimfiles
vimsyntaxdir = $(vimfilesdir)/syntax
vimftdetectdir = $(vimfilesdir)/ftdetect
bashcompletiondir = $(datadir)/bash-completion/completions

dist_vimsyntax_DATA = editors/vim/syntax/pkt.vim
dist_vimftdetect_DATA = editors/vim/ftdetect/pkt.vim
dist_bashcompletion_DATA = editors/bash/tcpcheck
