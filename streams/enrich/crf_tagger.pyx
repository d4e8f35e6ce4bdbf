# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Compiled tagging for the Korean character CRF (:mod:`streams.enrich.crf`).

python-crfsuite tags rows of attribute strings: for a 2,000-character article that is about
25 strings a character built in Python, an ``ItemSequence`` of them, and a model lookup of each,
about 16 ms in all, the largest share of enriching a Korean article. :class:`Tagger` holds the
model's weights (read from the model file by :func:`streams.enrich.crf.read_model`) and does
the same in one loop in C: per character it looks up the character attributes of
:func:`streams.enrich.crf.features` (the n-grams of characters, analyser tags and character
classes, the position in the word) in tables of the attributes the model has weights for, adds
the attributes that Python computed per word and per span (given as attribute numbers), sums
each attribute's weights in the order python-crfsuite sums them, and decodes with Viterbi as
CRFsuite does (``crf1dc_viterbi``: the first of equal scores wins), so the labels are the same
(``tests/enrich/test_crf.py`` checks them against python-crfsuite on real texts).
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.stdint cimport int32_t, uint64_t
from libc.stdlib cimport calloc, free

# the character attribute kinds computed here, in the order of a row of crf.features
CHAR_KINDS = ("c", "l", "r", "b", "f", "t", "k", "kl", "kr", "kc", "s", "p")
# the kinds keyed by up to three code points, looked up in C tables (no string per lookup)
cdef tuple _POINT_KINDS = ("c", "l", "r", "b", "f", "t", "s")
cdef uint64_t _USED = 1ULL << 63  # marks a used slot (keys take 63 bits: 3 x 21)


# An open-addressing hash table: packed code points -> attribute number (0: none).
cdef struct Table:
    uint64_t* keys
    int32_t* values
    uint64_t mask


cdef inline uint64_t _mix(uint64_t key) noexcept nogil:
    """MurmurHash3's 64-bit finaliser: spreads packed code points over the slots."""
    key ^= key >> 33
    key *= 0xFF51AFD7ED558CCDULL
    key ^= key >> 33
    key *= 0xC4CEB9FE1A85EC53ULL
    key ^= key >> 33
    return key


cdef inline uint64_t _pack(Py_UCS4 a, Py_UCS4 b, Py_UCS4 c) noexcept nogil:
    return (<uint64_t>a << 42) | (<uint64_t>b << 21) | <uint64_t>c


cdef int _fill(Table* table, dict entries) except -1:
    """Build ``table`` from packed key -> attribute number."""
    cdef uint64_t size = 2
    cdef uint64_t slot, key
    while size < 2 * len(entries) + 2:
        size *= 2
    table.keys = <uint64_t*>calloc(size, sizeof(uint64_t))
    table.values = <int32_t*>calloc(size, sizeof(int32_t))
    if table.keys == NULL or table.values == NULL:
        raise MemoryError()
    table.mask = size - 1
    for packed, number in entries.items():
        key = <uint64_t>packed | _USED
        slot = _mix(key) & table.mask
        while table.keys[slot] != 0:
            slot = (slot + 1) & table.mask
        table.keys[slot] = key
        table.values[slot] = number
    return 0


cdef inline int32_t _get(const Table* table, uint64_t key) noexcept nogil:
    """The attribute number of packed ``key`` in ``table``; 0 when it has none."""
    cdef uint64_t slot, found
    key |= _USED
    slot = _mix(key) & table.mask
    while True:
        found = table.keys[slot]
        if found == key:
            return table.values[slot]
        if found == 0:
            return 0
        slot = (slot + 1) & table.mask


cdef uint64_t _packed(str key, Py_ssize_t width):
    """``key`` (``width`` code points) packed as the tagger packs what it looks up; the
    all-ones value (never a packed key) for a key of another width."""
    if len(key) != width:
        return 0xFFFFFFFFFFFFFFFFULL
    if width == 1:
        return _pack(0, 0, key[0])
    if width == 2:
        return _pack(0, key[0], key[1])
    return _pack(key[0], key[1], key[2])


cdef inline Py_UCS4 char_class(Py_UCS4 char) noexcept:
    """crf._char_class, on one code point."""
    if 0xAC00 <= char <= 0xD7A3:  # 가..힣
        return u"H"
    if char.isspace():
        return u"_"
    if char.isdigit():
        return u"0"
    if char < 128 and char.isalpha():
        return u"A" if char.isupper() else u"a"
    if char.isalpha():
        return u"Z"
    return u"P"


cdef class Tagger:
    """A CRF's weights with tables of its character attributes: labels of one text at a time.

    ``labels``: the model's labels, in its order; ``weights``: ``(attributes + 1) x labels``
    state weights, row by row, row 0 all zeros (attribute number 0 stands for none);
    ``transitions``: ``labels x labels`` weights, from each label to each; ``tables``: per
    character attribute kind of :data:`CHAR_KINDS`, the key after ``kind=`` -> attribute number.
    """

    cdef readonly tuple labels
    cdef int size  # the number of labels
    cdef double[::1] weights
    cdef double[::1] transitions
    cdef Table points[7]  # the kinds of _POINT_KINDS, in that order
    cdef Table tag_chars  # kc: (tag number, code point)
    cdef dict tag_numbers  # analyser tag mark (and the pads ^, $) -> tag number
    cdef int32_t* tag_kinds  # per tag number: its k, kl and kr attribute numbers
    cdef dict positions  # p: position mark -> attribute number

    def __cinit__(self):
        self.tag_kinds = NULL
        for index in range(7):
            self.points[index].keys = NULL
            self.points[index].values = NULL
        self.tag_chars.keys = NULL
        self.tag_chars.values = NULL

    def __dealloc__(self):
        for index in range(7):
            free(self.points[index].keys)
            free(self.points[index].values)
        free(self.tag_chars.keys)
        free(self.tag_chars.values)
        free(self.tag_kinds)

    def __init__(self, labels, weights, transitions, tables):
        self.labels = tuple(labels)
        self.size = len(self.labels)
        self.weights = weights
        self.transitions = transitions
        if len(self.transitions) != self.size * self.size or len(self.weights) % self.size:
            raise ValueError("weights and transitions do not match the labels")
        for index, kind in enumerate(_POINT_KINDS):
            width = 1 if kind == "c" else 3 if kind in ("t", "s") else 2
            _fill(&self.points[index], {_packed(key, width): number
                                        for key, number in tables.get(kind, {}).items()})
        tags = {*tables.get("k", {}), *tables.get("kl", {}), *tables.get("kr", {}),
                *(key[:len(key) - 1] for key in tables.get("kc", {}) if key)}
        self.tag_numbers = {tag: number for number, tag in enumerate(sorted(tags))}
        self.tag_kinds = <int32_t*>calloc(3 * len(tags) + 3, sizeof(int32_t))
        if self.tag_kinds == NULL:
            raise MemoryError()
        for offset, kind in enumerate(("k", "kl", "kr")):
            for tag, number in tables.get(kind, {}).items():
                self.tag_kinds[3 * self.tag_numbers[tag] + offset] = number
        _fill(&self.tag_chars, {
            _pack(0, self.tag_numbers[key[:len(key) - 1]], key[len(key) - 1]): number
            for key, number in tables.get("kc", {}).items() if key})
        self.positions = dict(tables.get("p", {}))

    def tag(self, str text, list ktag, list pos, list words, list marks):
        """Label numbers of each character of ``text``.

        ``ktag``: the analyser tag mark of each character (``BNNP``, ``INNP``, ``O``);
        ``pos``: its position mark in its word; ``words``: per character, the attribute numbers
        of its word's features, in row order; ``marks``: ``(start, end, first, inside)`` spans
        in row order, adding attribute ``first`` to the first character and ``inside`` to the
        others (0: none).
        """
        cdef Py_ssize_t n = len(text)
        if len(ktag) != n or len(pos) != n or len(words) != n:
            raise ValueError("one tag, position and word row per character")
        return self._label(n, text, ktag, pos, words, marks, None, None)

    def tag_attributes(self, list rows, dict numbers):
        """Label numbers of rows of attribute strings, one row per item, as python-crfsuite
        tags them: ``numbers`` gives each attribute the model has weights for its number, the
        others weigh nothing (the English CRF's token rows)."""
        return self._label(len(rows), None, None, None, None, None, rows, numbers)

    cdef list _label(self, Py_ssize_t n, str text, list ktag, list pos, list words, list marks,
                     list rows, dict numbers):
        """The state scores of ``n`` items, from a text's character attributes (:meth:`tag`)
        or, with ``rows``, from rows of attribute strings (:meth:`tag_attributes`), decoded."""
        cdef Py_ssize_t i
        if n == 0:
            return []
        cdef double* state = <double*>PyMem_Malloc(n * self.size * sizeof(double))
        cdef int* back = <int*>PyMem_Malloc(n * self.size * sizeof(int))
        if state == NULL or back == NULL:
            PyMem_Free(state)
            PyMem_Free(back)
            raise MemoryError()
        try:
            for i in range(n * self.size):
                state[i] = 0.0
            if rows is None:
                self._state(text, n, ktag, pos, words, marks, state)
            else:
                for i in range(n):
                    for attribute in <list>rows[i]:
                        self._add(state + i * self.size, numbers.get(attribute))
            return self._viterbi(n, state, back)
        finally:
            PyMem_Free(state)
            PyMem_Free(back)

    cdef inline void _add(self, double* row, object number) noexcept:
        """Add the weights of attribute ``number`` (``None`` or 0: none) to a state row."""
        if number is not None:
            self._weigh(row, <int32_t>number)

    cdef inline void _weigh(self, double* row, int32_t number) noexcept:
        """Add the weights of attribute ``number`` (0: none) to a state row."""
        cdef Py_ssize_t a, j
        if number <= 0:
            return
        a = number * self.size
        for j in range(self.size):
            row[j] += self.weights[a + j]

    cdef int _state(self, str text, Py_ssize_t n, list ktag, list pos, list words, list marks,
                    double* state) except -1:
        cdef Py_ssize_t i, start, end
        cdef int L = self.size
        cdef double* row
        cdef Py_UCS4* pad = <Py_UCS4*>PyMem_Malloc((n + 4) * sizeof(Py_UCS4))
        cdef Py_UCS4* shape = <Py_UCS4*>PyMem_Malloc((n + 2) * sizeof(Py_UCS4))
        cdef int32_t* tags = <int32_t*>PyMem_Malloc((n + 2) * sizeof(int32_t))
        cdef int32_t tag
        cdef const Table* points = self.points
        cdef dict numbers = self.tag_numbers
        cdef dict positions = self.positions
        if pad == NULL or shape == NULL or tags == NULL:
            PyMem_Free(pad)
            PyMem_Free(shape)
            PyMem_Free(tags)
            raise MemoryError()
        try:
            pad[0] = pad[1] = u"^"
            pad[n + 2] = pad[n + 3] = u"$"
            shape[0] = u"^"
            shape[n + 1] = u"$"
            tags[0] = numbers.get(u"^", -1)
            tags[n + 1] = numbers.get(u"$", -1)
            for i in range(n):
                pad[i + 2] = text[i]
                shape[i + 1] = char_class(pad[i + 2])
                tags[i + 1] = numbers.get(ktag[i], -1)
            for i in range(n):
                row = state + i * L
                self._weigh(row, _get(&points[0], _pack(0, 0, pad[i + 2])))  # c
                self._weigh(row, _get(&points[1], _pack(0, pad[i], pad[i + 1])))  # l
                self._weigh(row, _get(&points[2], _pack(0, pad[i + 3], pad[i + 4])))  # r
                self._weigh(row, _get(&points[3], _pack(0, pad[i + 1], pad[i + 2])))  # b
                self._weigh(row, _get(&points[4], _pack(0, pad[i + 2], pad[i + 3])))  # f
                self._weigh(row, _get(&points[5], _pack(pad[i + 1], pad[i + 2], pad[i + 3])))  # t
                tag = tags[i + 1]
                if tag >= 0:
                    self._weigh(row, self.tag_kinds[3 * tag])  # k
                if tags[i] >= 0:
                    self._weigh(row, self.tag_kinds[3 * tags[i] + 1])  # kl
                if tags[i + 2] >= 0:
                    self._weigh(row, self.tag_kinds[3 * tags[i + 2] + 2])  # kr
                if tag >= 0:
                    self._weigh(row, _get(&self.tag_chars, _pack(0, tag, pad[i + 2])))  # kc
                self._weigh(row, _get(&points[6], _pack(shape[i], shape[i + 1], shape[i + 2])))
                self._add(row, positions.get(pos[i]))  # p
                for number in <list>words[i]:
                    self._add(row, number)
        finally:
            PyMem_Free(pad)
            PyMem_Free(shape)
            PyMem_Free(tags)
        for start, end, first, inside in marks:
            if 0 <= start < end <= n:
                self._add(state + start * L, first)
                for i in range(start + 1, end):
                    self._add(state + i * L, inside)
        return 0

    cdef list _viterbi(self, Py_ssize_t n, double* state, int* back):
        """CRFsuite's Viterbi (``crf1dc_viterbi``) over the state scores, in place."""
        cdef int L = self.size
        cdef Py_ssize_t t, i, j
        cdef int best
        cdef double top, score
        cdef double* prev
        cdef double* cur
        for t in range(1, n):
            prev = state + (t - 1) * L
            cur = state + t * L
            for j in range(L):
                top = -1.7976931348623157e308
                best = 0
                for i in range(L):
                    score = prev[i] + self.transitions[i * L + j]
                    if top < score:
                        top = score
                        best = i
                back[t * L + j] = best
                cur[j] += top
        cur = state + (n - 1) * L
        top = -1.7976931348623157e308
        best = 0
        for i in range(L):
            if top < cur[i]:
                top = cur[i]
                best = i
        labels = [0] * n
        labels[n - 1] = best
        for t in range(n - 2, -1, -1):
            best = back[(t + 1) * L + best]
            labels[t] = best
        return labels
