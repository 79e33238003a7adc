"""Go's ``sort.Sort`` as kubectl's ``--sort-by`` leaves equal elements.

Each case is the key of 51 events in the order the API lists them (timestamps and field paths
numbered by rank) and the order the real kubectl v1.32 printed them in with ``--sort-by``; ``None``
is an event without the field, which kubectl's comparison calls less than any other.
"""

import pytest

from cluster_engine.printers.gosort import go_sort

REAL_KUBECTL_ORDERS = [
    ('.count',
     [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2,
      2, 1, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
     [24, 6, 2, 3, 4, 5, 25, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 0, 19, 20, 21, 22, 23, 18, 1,
      26, 32, 38, 39, 40, 41, 50, 49, 48, 47, 46, 45, 42, 43, 44, 33, 31, 30, 29, 28, 27, 34, 35,
      36, 37]),
    ('.lastTimestamp',
     [1, 2, 3, 3, 3, 1, 2, 4, 4, 4, 6, 1, 2, 4, 4, 4, 1, 2, 3, 3, 3, 1, 1, 1, 1, 6, 6, 8, 8, 7, 8,
      8, 6, 8, 8, 9, 9, 8, 6, 6, 1, 6, 6, 6, 0, 0, 0, 0, 0, 4, 5],
     [44, 48, 47, 46, 45, 16, 5, 40, 22, 23, 24, 11, 0, 21, 12, 1, 6, 17, 2, 19, 20, 4, 3, 18, 49,
      8, 9, 7, 13, 14, 15, 50, 42, 41, 10, 25, 26, 43, 38, 39, 32, 29, 31, 37, 30, 33, 28, 27, 34,
      36, 35]),
    ('.involvedObject.fieldPath',
     [None, 0, 0, 0, 0, None, 0, 0, 0, 0, 0, None, 0, 0, 0, 0, None, 0, 0, 0, 0, None, None, None,
      None, None, None, 0, 0, 0, 0, 0, None, 0, 0, 0, 0, 0, None, None, None, None, None, None,
      None, None, None, None, None, None, None],
     [44, 46, 47, 41, 24, 23, 50, 32, 49, 5, 39, 11, 42, 26, 45, 43, 40, 38, 16, 48, 22, 21, 25, 0,
      12, 37, 19, 27, 28, 29, 30, 31, 18, 33, 34, 35, 36, 20, 17, 15, 14, 13, 10, 9, 8, 7, 6, 4, 3,
      2, 1]),
]


def kubectl_less(first, second):
    if first[1] is None:
        return True
    if second[1] is None:
        return False
    return first[1] < second[1]


@pytest.mark.parametrize(("field", "keys", "order"), REAL_KUBECTL_ORDERS)
def test_it_leaves_equal_keys_where_the_real_kubectl_does(field, keys, order):
    assert [index for index, _key in go_sort(list(enumerate(keys)), kubectl_less)] == order


def test_it_sorts_up_to_twelve_elements_by_insertion_which_keeps_ties_in_order():
    keys = [3, 1, 2, 1, 3, 2, 1]
    assert go_sort(keys, lambda first, second: first < second) == [1, 1, 1, 2, 2, 3, 3]
    tagged = go_sort([(key, tag) for tag, key in enumerate(keys)],
                     lambda first, second: first[0] < second[0])
    assert [tag for _key, tag in tagged] == [1, 3, 6, 2, 5, 0, 4]


def test_it_sorts_a_large_input_completely():
    values = [(index * 7919) % 1000 for index in range(1000)]
    assert go_sort(values, lambda first, second: first < second) == sorted(values)
