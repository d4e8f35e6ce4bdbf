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

# the character attribute kinds computed here, in the order of a row of crf.features
CHAR_KINDS = ("c", "l", "r", "b", "f", "t", "k", "kl", "kr", "kc", "s", "p")


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
    cdef list tables

    def __init__(self, labels, weights, transitions, tables):
        self.labels = tuple(labels)
        self.size = len(self.labels)
        self.weights = weights
        self.transitions = transitions
        if len(self.transitions) != self.size * self.size or len(self.weights) % self.size:
            raise ValueError("weights and transitions do not match the labels")
        self.tables = [tables.get(kind, {}) for kind in CHAR_KINDS]

    def tag(self, str text, list ktag, list pos, list words, list marks):
        """Label numbers of each character of ``text``.

        ``ktag``: the analyser tag mark of each character (``BNNP``, ``INNP``, ``O``);
        ``pos``: its position mark in its word; ``words``: per character, the attribute numbers
        of its word's features, in row order; ``marks``: ``(start, end, first, inside)`` spans
        in row order, adding attribute ``first`` to the first character and ``inside`` to the
        others (0: none).
        """
        cdef Py_ssize_t n = len(text)
        if n == 0:
            return []
        if len(ktag) != n or len(pos) != n or len(words) != n:
            raise ValueError("one tag, position and word row per character")
        cdef int L = self.size
        cdef double* state = <double*>PyMem_Malloc(n * L * sizeof(double))
        cdef int* back = <int*>PyMem_Malloc(n * L * sizeof(int))
        if state == NULL or back == NULL:
            PyMem_Free(state)
            PyMem_Free(back)
            raise MemoryError()
        try:
            self._state(text, n, ktag, pos, words, marks, state)
            return self._viterbi(n, state, back)
        finally:
            PyMem_Free(state)
            PyMem_Free(back)

    def tag_attributes(self, list rows, dict numbers):
        """Label numbers of rows of attribute strings, one row per item, as python-crfsuite
        tags them: ``numbers`` gives each attribute the model has weights for its number, the
        others weigh nothing (the English CRF's token rows)."""
        cdef Py_ssize_t n = len(rows)
        if n == 0:
            return []
        cdef int L = self.size
        cdef Py_ssize_t i, j
        cdef double* row
        cdef double* state = <double*>PyMem_Malloc(n * L * sizeof(double))
        cdef int* back = <int*>PyMem_Malloc(n * L * sizeof(int))
        if state == NULL or back == NULL:
            PyMem_Free(state)
            PyMem_Free(back)
            raise MemoryError()
        try:
            for i in range(n * L):
                state[i] = 0.0
            for i in range(n):
                row = state + i * L
                for attribute in <list>rows[i]:
                    self._add(row, numbers.get(attribute))
            return self._viterbi(n, state, back)
        finally:
            PyMem_Free(state)
            PyMem_Free(back)

    cdef void _add(self, double* row, object number) noexcept:
        """Add the weights of attribute ``number`` (``None`` or 0: none) to a state row."""
        cdef Py_ssize_t a, j
        if number is None:
            return
        a = <Py_ssize_t>number
        if a <= 0:
            return
        a *= self.size
        for j in range(self.size):
            row[j] += self.weights[a + j]

    cdef int _state(self, str text, Py_ssize_t n, list ktag, list pos, list words, list marks,
                    double* state) except -1:
        cdef Py_ssize_t i, j, start, end
        cdef int L = self.size
        cdef double* row
        cdef dict c = self.tables[0], l = self.tables[1], r = self.tables[2]
        cdef dict b = self.tables[3], f = self.tables[4], t = self.tables[5]
        cdef dict k = self.tables[6], kl = self.tables[7], kr = self.tables[8]
        cdef dict kc = self.tables[9], s = self.tables[10], p = self.tables[11]
        cdef str padded = u"^^" + text + u"$$"
        cdef list classes = [u"^"]
        cdef str tag, shape
        for i in range(n):
            classes.append(char_class(text[i]))
        classes.append(u"$")
        shape = u"".join(classes)
        for i in range(n * L):
            state[i] = 0.0
        for i in range(n):
            row = state + i * L
            tag = ktag[i]
            self._add(row, c.get(padded[i + 2]))
            self._add(row, l.get(padded[i:i + 2]))
            self._add(row, r.get(padded[i + 3:i + 5]))
            self._add(row, b.get(padded[i + 1:i + 3]))
            self._add(row, f.get(padded[i + 2:i + 4]))
            self._add(row, t.get(padded[i + 1:i + 4]))
            self._add(row, k.get(tag))
            self._add(row, kl.get(ktag[i - 1] if i > 0 else u"^"))
            self._add(row, kr.get(ktag[i + 1] if i + 1 < n else u"$"))
            self._add(row, kc.get(tag + text[i]))
            self._add(row, s.get(shape[i:i + 3]))
            self._add(row, p.get(pos[i]))
            for number in <list>words[i]:
                self._add(row, number)
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
