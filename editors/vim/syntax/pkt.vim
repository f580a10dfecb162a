" Vim syntax file
" Language:	tcpcheck / packetdrill scripts (.pkt), see tcpcheck(5)
" Installed by tcpcheck's make install in $(datadir)/vim/vimfiles.

if exists('b:current_syntax')
  finish
endif

" Header options: --name or --name=value at the start of a line.
syn match   pktOption	/^\s*--[A-Za-z0-9_-]\+\%(=\S*\)\=/

" Numbers first: the times and sequence ranges below, defined later,
" win where they start at the same place.
syn match   pktNumber	/\<\%(0[xX]\x\+\|\d\+\)\>/

" Times: 0.100  +.1  *  0.1~0.2  +.1~+.2  +0...0.200
syn match   pktTime	/^\s*\%(\*\|+\=\d*\.\=\d\+\%(\~+\=\d*\.\=\d\+\)\=\%(\.\.\.\d*\.\=\d\+\)\=\)/ nextgroup=pktDirection skipwhite skipnl

" Packet lines: the direction, the flags before a sequence range, the
" range itself and the words of TCP options, IP fields and outer layers.
syn match   pktDirection	/[<>]/ contained
syn match   pktFlags	/\s\zs[FSRPUEWA.-]\+\ze\s\+\d\+:\d\+(\d\+)/
syn match   pktSequence	/\<\d\+:\d\+(\d\+)/
syn keyword pktKeyword	ack win urg
syn keyword pktTcpOption	nop eol mss wscale sackOK sack TS val ecr FO FOEXP md5 ECN e0b ceb e1b
syn keyword pktIpField	ect0 ect1 ect01 ce noecn tos ttl flowlabel
syn keyword pktProtocol	icmp udp mtu id ipv4 ipv6 gre mpls psp encap raw

" System calls: a name before its parenthesis; symbolic constants.
syn match   pktSyscall	/\<\h\w*\ze(/
syn match   pktConstant	/\<[A-Z][A-Z0-9_]*[A-Z0-9_]\>/
syn match   pktEllipsis	/\.\.\./
syn region  pktString	start=/"/ skip=/\\./ end=/"/ oneline

" Commands in backquotes, Python code blocks, comments.
syn region  pktCommand	start=/`/ skip=/\\./ end=/`/
syn region  pktCode	matchgroup=pktCodeDelim start=/%{/ end=/}%/
syn match   pktComment	/\/\/.*$/ contains=@Spell
syn region  pktComment	start=/\/\*/ end=/\*\// contains=@Spell

hi def link pktOption	PreProc
hi def link pktTime	Number
hi def link pktDirection	Operator
hi def link pktFlags	Type
hi def link pktSequence	Number
hi def link pktKeyword	Keyword
hi def link pktTcpOption	Keyword
hi def link pktIpField	Keyword
hi def link pktProtocol	Structure
hi def link pktSyscall	Function
hi def link pktConstant	Constant
hi def link pktNumber	Number
hi def link pktEllipsis	Special
hi def link pktString	String
hi def link pktCommand	Special
hi def link pktCode	Special
hi def link pktCodeDelim	Delimiter
hi def link pktComment	Comment

let b:current_syntax = 'pkt'
