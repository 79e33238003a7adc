"""The Go tabwriter clone: kubectl's column widths, padding and unpadded last column."""

import io

from cluster_engine.printers.tabwriter import (TabWriter, describe_writer, kubectl_table_writer,
                                               rune_count)


def written(text: str, factory=kubectl_table_writer, **options) -> str:
    out = io.StringIO()
    writer = factory(out, **options)
    writer.write(text)
    writer.flush()
    return out.getvalue()


def test_columns_are_the_widest_cell_plus_three():
    assert written("READY\tSTATUS\n1/1\tRunning\n") == "READY   STATUS\n1/1     Running\n"


def test_columns_are_at_least_six_wide():
    assert written("A\tB\nx\ty\n") == "A     B\nx     y\n"


def test_the_last_column_is_not_padded():
    lines = written("NAME\tAGE\nminikube\t5s\n").splitlines()
    assert all(not line.endswith(" ") for line in lines)


def test_an_empty_last_cell_leaves_the_padding_of_the_column_before_it():
    assert written("NAME\tAPP\ncrasher\t\n") == "NAME      APP\ncrasher   \n"


def test_the_node_table_matches_the_reference_spacing():
    text = ("NAME\tSTATUS\tROLES\tAGE\tVERSION\n"
            "minikube\tReady\tcontrol-plane\t137m\tv1.32.0\n")
    assert written(text) == ("NAME       STATUS   ROLES           AGE    VERSION\n"
                             "minikube   Ready    control-plane   137m   v1.32.0\n")


def test_japanese_cells_line_up_by_display_width():
    assert written("NAME\tDATA\n設定\t1\nab\t2\n") == "NAME   DATA\n設定   1\nab     2\n"


def test_rune_counting_gives_gos_own_spacing_for_wide_characters():
    assert written("NAME\tDATA\n設定\t1\n", measure=rune_count) == "NAME   DATA\n設定     1\n"


def test_remembered_widths_never_shrink_across_flushes():
    out = io.StringIO()
    writer = kubectl_table_writer(out)
    writer.write("NAME\tAGE\nkubernetes-bootcamp\t5s\n")
    writer.flush()
    writer.write("x\t6s\n")
    writer.flush()
    assert out.getvalue().splitlines()[-1] == "x".ljust(len("kubernetes-bootcamp") + 3) + "6s"


def test_a_line_without_tabs_ends_the_column_block_as_describe_relies_on():
    text = "Name:\tweb\nNamespace:\tdefault\nIPs:\n  IP:\t10.244.0.5\nControlled By:\trs/web\n"
    assert written(text, describe_writer) == ("Name:       web\n"
                                              "Namespace:  default\n"
                                              "IPs:\n"
                                              "  IP:           10.244.0.5\n"
                                              "Controlled By:  rs/web\n")


def test_an_unfinished_last_line_is_written_without_a_newline():
    assert written("a\tb\nc", TabWriter, padding=1) == "a b\nc"


def test_tab_padding_rounds_up_to_tab_stops():
    assert written("ab\tc\n", TabWriter, padchar="\t", tabwidth=8, padding=1) == "ab\tc\n"
