/*
 * list.h — intrusive circular doubly linked lists (Linux's list_head,
 * include/linux/list.h, the part the task list, the run queue and the
 * children lists use).
 *
 * A list_head is embedded in the object it links; an empty list points at
 * itself.  Nothing here allocates.  An unlinked node is made to point at
 * itself (list_del_init), so list_empty(&node) tells whether it is linked.
 */
#ifndef MEMSIM_LIST_H
#define MEMSIM_LIST_H

#include <stddef.h>

struct list_head {
    struct list_head *next, *prev;
};

#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

static inline void INIT_LIST_HEAD(struct list_head *h) { h->next = h->prev = h; }

static inline int list_empty(const struct list_head *h) { return h->next == h; }

static inline void list_insert(struct list_head *n, struct list_head *prev, struct list_head *next)
{
    next->prev = n;
    n->next = next;
    n->prev = prev;
    prev->next = n;
}

/* n just after h (at the front of list h) / just before h (at its tail). */
static inline void list_add(struct list_head *n, struct list_head *h) { list_insert(n, h, h->next); }
static inline void list_add_tail(struct list_head *n, struct list_head *h) { list_insert(n, h->prev, h); }

/* Unlink n and leave it pointing at itself (empty, safe to delete again). */
static inline void list_del_init(struct list_head *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    INIT_LIST_HEAD(n);
}

static inline void list_move(struct list_head *n, struct list_head *h)
{
    list_del_init(n);
    list_add(n, h);
}

static inline void list_move_tail(struct list_head *n, struct list_head *h)
{
    list_del_init(n);
    list_add_tail(n, h);
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)

/* pos walks the entries of list h; the body may not remove pos (use _safe). */
#define list_for_each_entry(pos, h, member)                                        \
    for ((pos) = list_entry((h)->next, __typeof__(*(pos)), member);                \
         &(pos)->member != (h);                                                    \
         (pos) = list_entry((pos)->member.next, __typeof__(*(pos)), member))

/* The same, with n holding the next entry, so the body may remove pos. */
#define list_for_each_entry_safe(pos, n, h, member)                                \
    for ((pos) = list_entry((h)->next, __typeof__(*(pos)), member),                \
         (n) = list_entry((pos)->member.next, __typeof__(*(pos)), member);         \
         &(pos)->member != (h);                                                    \
         (pos) = (n), (n) = list_entry((n)->member.next, __typeof__(*(n)), member))

#endif
