/*
 * bare_responder: the cheapest possible OpenFlow 1.3 "controller", for measuring the ceiling of the
 * machine and of the load generator. It says HELLO and FEATURES_REQUEST, answers echoes, and answers
 * every PACKET_IN with a PACKET_OUT (flood) carrying the packet's data. No learning, no state.
 *
 *   gcc -O2 -o bare_responder bare_responder.c && ./bare_responder 127.0.0.1 6653
 *
 * One thread, epoll, non-blocking sockets, one read buffer and one write buffer per connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define RXCAP (256 * 1024)
#define TXCAP (1024 * 1024)

struct conn {
    int fd;
    int wantout;
    size_t rxlen, txoff, txlen;
    unsigned char rx[RXCAP];
    unsigned char tx[TXCAP];
};

static uint16_t be16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(unsigned char *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void put32(unsigned char *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

static int append(struct conn *c, const unsigned char *b, size_t n)
{
    if (c->txlen + n > TXCAP) return -1;
    memcpy(c->tx + c->txlen, b, n);
    c->txlen += n;
    return 0;
}

static void handle(struct conn *c, const unsigned char *m, size_t len)
{
    unsigned char out[2048];
    switch (m[1]) {
    case 2: /* ECHO_REQUEST -> ECHO_REPLY */
        if (len <= sizeof out) { memcpy(out, m, len); out[1] = 3; append(c, out, len); }
        break;
    case 10: { /* PACKET_IN -> PACKET_OUT flood with the data */
        if (len < 26) break;
        size_t mlen = be16(m + 26);
        size_t doff = 24 + ((mlen + 7) / 8) * 8 + 2;
        if (doff > len) break;
        size_t dlen = len - doff, olen = 24 + 16 + dlen;
        if (olen > sizeof out) break;
        memset(out, 0, 40);
        out[0] = 4; out[1] = 13; put16(out + 2, (uint16_t)olen); memcpy(out + 4, m + 4, 4);
        put32(out + 8, 0xffffffff);                 /* buffer_id NO_BUFFER */
        memcpy(out + 12, m + 32, 4);                /* in_port from the match's first OXM (IN_PORT) */
        put16(out + 16, 16);                        /* actions_len */
        put16(out + 24, 0); put16(out + 26, 16);    /* OUTPUT, len 16 */
        put32(out + 28, 0xfffffffb);                /* OFPP_FLOOD */
        put16(out + 32, 0xffff);                    /* max_len */
        memcpy(out + 40, m + doff, dlen);
        append(c, out, olen);
        break;
    }
    default:
        break;
    }
}

static int flush(struct conn *c)
{
    while (c->txoff < c->txlen) {
        ssize_t n = write(c->fd, c->tx + c->txoff, c->txlen - c->txoff);
        if (n < 0) return errno == EAGAIN ? 0 : -1;
        c->txoff += (size_t)n;
    }
    c->txoff = c->txlen = 0;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) { fprintf(stderr, "usage: %s IP PORT\n", argv[0]); return 2; }
    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
    inet_pton(AF_INET, argv[1], &a.sin_addr);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 1024)) { perror("listen"); return 1; }
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL }, evs[64];
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    static const unsigned char hello[] = { 4, 0, 0, 16, 0, 0, 0, 1, 0, 1, 0, 8, 0, 0, 0, 0x10 };
    static const unsigned char features[] = { 4, 5, 0, 8, 0, 0, 0, 2 };
    for (;;) {
        int n = epoll_wait(ep, evs, 64, -1);
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (c == NULL) {
                int fd = accept(ls, NULL, NULL);
                if (fd < 0) continue;
                fcntl(fd, F_SETFL, O_NONBLOCK);
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                c = calloc(1, sizeof *c);
                c->fd = fd;
                append(c, hello, sizeof hello);
                append(c, features, sizeof features);
                flush(c);
                struct epoll_event ce = { .events = EPOLLIN, .data.ptr = c };
                epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce);
                continue;
            }
            if (flush(c) < 0) { close(c->fd); free(c); continue; }
            ssize_t r = c->rxlen < RXCAP ? read(c->fd, c->rx + c->rxlen, RXCAP - c->rxlen) : -1;
            if (r == 0 || (r < 0 && errno != EAGAIN && c->rxlen < RXCAP)) { close(c->fd); free(c); continue; }
            if (r > 0) c->rxlen += (size_t)r;
            size_t off = 0;
            while (c->rxlen - off >= 8) {
                size_t len = be16(c->rx + off + 2);
                if (len < 8) { c->rxlen = off = 0; break; }
                if (c->rxlen - off < len) break;
                handle(c, c->rx + off, len);
                off += len;
            }
            memmove(c->rx, c->rx + off, c->rxlen - off);
            c->rxlen -= off;
            if (flush(c) < 0) { close(c->fd); free(c); continue; }
            int want = c->txlen > 0;
            if (want != c->wantout) {
                struct epoll_event ce = { .events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c };
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ce);
                c->wantout = want;
            }
        }
    }
}
