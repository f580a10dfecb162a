" ftdetect/pkt.vim - tcpcheck and packetdrill scripts are .pkt files.
autocmd BufRead,BufNewFile *.pkt setfiletype pkt
