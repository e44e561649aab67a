package dev.pmfx.ui;

import atlantafx.base.theme.Styles;
import dev.pmfx.ui.ProcessItems.AppItem;
import dev.pmfx.ui.ProcessItems.Row;
import dev.pmfx.ui.ProcessItems.WorkerItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleLongProperty;
import javafx.collections.ListChangeListener;
import javafx.fxml.FXML;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * The process table: apps with their workers below them, their figures, the row's own Start, Stop,
 * Restart and Reload, and a context menu on the selected row.
 */
final class ProcessTableView {

  @FXML private TreeTableView<Row> processTable;
  @FXML private TreeTableColumn<Row, String> nameColumn;
  @FXML private TreeTableColumn<Row, String> hostColumn;
  @FXML private TreeTableColumn<Row, String> idColumn;
  @FXML private TreeTableColumn<Row, String> namespaceColumn;
  @FXML private TreeTableColumn<Row, String> modeColumn;
  @FXML private TreeTableColumn<Row, String> pidColumn;
  @FXML private TreeTableColumn<Row, String> statusColumn;
  @FXML private TreeTableColumn<Row, String> healthColumn;
  @FXML private TreeTableColumn<Row, String> actionsColumn;
  @FXML private TreeTableColumn<Row, String> uptimeColumn;
  @FXML private TreeTableColumn<Row, String> restartsColumn;
  @FXML private TreeTableColumn<Row, String> cpuColumn;
  @FXML private TreeTableColumn<Row, String> memoryColumn;
  @FXML private TreeTableColumn<Row, String> requestsColumn;
  @FXML private TreeTableColumn<Row, String> exitColumn;
  @FXML private TreeTableColumn<Row, String> scriptColumn;

  private final MainWindowViewModel viewModel;
  private final TreeItem<Row> tableRoot = new TreeItem<>();
  private final List<Runnable> selectionListeners = new ArrayList<>();
  private final List<MenuItem> contextItems = new ArrayList<>();

  /** Moves on each {@link #refresh()}: the cells redraw themselves (TableCells.Live). */
  private final LongProperty ticks = new SimpleLongProperty();

  private RowCommands commands;

  /** A column for each metric of the apps' own ({@code @pm2/io}), by name, after Req. */
  private final java.util.Map<String, TreeTableColumn<Row, String>> customColumns =
      new java.util.LinkedHashMap<>();

  ProcessTableView(MainWindowViewModel viewModel) {
    this.viewModel = viewModel;
  }

  @FXML
  private void initialize() {
    columns();
    processTable.setRoot(tableRoot);
    processTable.setRowFactory(table -> new HostRow(ticks));
    viewModel
        .hosts()
        .addListener(
            (ListChangeListener<Hosts.HostItem>)
                change -> {
                  hostColumn();
                  rebuild();
                });
    viewModel.hostFilterProperty().addListener((o, was, now) -> rebuild());
    hostColumn();
    viewModel.visibleApps().addListener((ListChangeListener<AppItem>) change -> rebuild());
    Label noMatch = new Label();
    noMatch
        .textProperty()
        .bind(
            viewModel
                .filterProperty()
                .map(f -> "No app matches '" + f + "' (Esc clears the filter)."));
    Label noApps = new Label("No apps. Open an ecosystem file (Ctrl+O) or drop one here.");
    processTable
        .placeholderProperty()
        .bind(viewModel.filterProperty().map(f -> f.isBlank() ? noApps : noMatch));
    processTable.setContextMenu(contextMenu());
    rebuild();
    processTable
        .getSelectionModel()
        .selectedItemProperty()
        .addListener((o, was, now) -> selectionListeners.forEach(Runnable::run));
    processTable.getStyleClass().add(Styles.DENSE);
  }

  /** What the row buttons and the context menu do. */
  void commands(RowCommands commands) {
    this.commands = commands;
  }

  /** Runs {@code listener} whenever the selected row changes. */
  void onSelection(Runnable listener) {
    selectionListeners.add(listener);
  }

  /** Redraws the rows: their states, figures and buttons. */
  void refresh() {
    customColumns(false);
    healthColumn();
    ticks.set(ticks.get() + 1);
  }

  /**
   * Adds a column for each metric of their own that the shown apps' workers report, and with {@code
   * prune} removes those no shown worker reports any more (not on every sample: a worker restarting
   * reports nothing for a moment, and its column keeps its place and width).
   */
  private void customColumns(boolean prune) {
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    for (AppItem app : viewModel.visibleApps()) {
      for (WorkerItem w : app.workers()) {
        if (w.probesProperty().get() != null) {
          w.probesProperty().get().metrics().stream()
              .filter(dev.pmfx.engine.EngineEvent.MetricsSample.CustomMetric::custom)
              .forEach(m -> names.add(m.name()));
        }
      }
    }
    if (prune) {
      customColumns
          .entrySet()
          .removeIf(
              e -> !names.contains(e.getKey()) && processTable.getColumns().remove(e.getValue()));
    }
    for (String name : names) {
      if (!customColumns.containsKey(name)) {
        TreeTableColumn<Row, String> column = new TreeTableColumn<>(name);
        column.getStyleClass().addAll("numeric", "custom-metric");
        column.setPrefWidth(90);
        column(column, row -> RowFormat.custom(row, name));
        column.setComparator(Amounts::compare);
        int at = processTable.getColumns().indexOf(requestsColumn) + 1 + customColumns.size();
        processTable.getColumns().add(at, column);
        customColumns.put(name, column);
      }
    }
  }

  /** The Host column shows while the Hosts list has a host. */
  private void hostColumn() {
    boolean hosts = !viewModel.hosts().isEmpty();
    hostColumn.setVisible(hosts);
    if (hosts && nameColumn.getPrefWidth() < HEADING_WIDTH) {
      nameColumn.setPrefWidth(HEADING_WIDTH); // the hosts' headings are in it
    }
  }

  /** The Name column's width while hosts' headings show in it. */
  private static final double HEADING_WIDTH = 230;

  /** A row greyed while its host is not reached ({@code :unreachable}). */
  private static final class HostRow extends javafx.scene.control.TreeTableRow<Row> {
    private static final javafx.css.PseudoClass UNREACHABLE =
        javafx.css.PseudoClass.getPseudoClass("unreachable");
    private final javafx.beans.InvalidationListener redraw = ticks -> mark();

    HostRow(LongProperty ticks) {
      ticks.addListener(new javafx.beans.WeakInvalidationListener(redraw));
    }

    @Override
    protected void updateItem(Row row, boolean empty) {
      super.updateItem(row, empty);
      mark();
    }

    private void mark() {
      Row row = getItem();
      pseudoClassStateChanged(
          UNREACHABLE, !isEmpty() && row != null && !row.reachableProperty().get());
    }
  }

  /** The Health column shows while a shown app has a health check. */
  private void healthColumn() {
    boolean checked =
        viewModel.visibleApps().stream()
            .anyMatch(a -> a.specProperty().get().healthCheck().isPresent());
    if (healthColumn.isVisible() != checked) {
      healthColumn.setVisible(checked);
    }
  }

  /** Enables the context menu for what the selected row allows. */
  void show(Actions actions) {
    List<Boolean> on =
        List.of(
            actions.start(), actions.stop(), actions.restart(), actions.reload(), actions.delete());
    for (int i = 0; i < contextItems.size(); i++) {
      contextItems.get(i).setDisable(!on.get(i));
    }
  }

  Optional<Row> selectedRow() {
    return Optional.ofNullable(processTable.getSelectionModel().getSelectedItem())
        .map(TreeItem::getValue);
  }

  /** Selects the app or worker whose {@link Row#key()} this is, if it is shown. */
  void select(String key) {
    find(tableRoot, key).ifPresent(item -> processTable.getSelectionModel().select(item));
  }

  /** Selects the row, as {@link #select}, and scrolls it into view when it is out of sight. */
  void reveal(String key) {
    select(key);
    int index = processTable.getSelectionModel().getSelectedIndex();
    if (index < 0
        || !(processTable.lookup(".virtual-flow")
            instanceof javafx.scene.control.skin.VirtualFlow<?> flow)
        || flow.getFirstVisibleCell() == null
        || flow.getLastVisibleCell() == null) {
      return;
    }
    if (index <= flow.getFirstVisibleCell().getIndex()
        || index >= flow.getLastVisibleCell().getIndex()) {
      processTable.scrollTo(Math.max(0, index - 1));
    }
  }

  private static Optional<TreeItem<Row>> find(TreeItem<Row> under, String key) {
    for (TreeItem<Row> child : under.getChildren()) {
      if (child.getValue() != null && child.getValue().key().equals(key)) {
        return Optional.of(child);
      }
      Optional<TreeItem<Row>> below = find(child, key);
      if (below.isPresent()) {
        return below;
      }
    }
    return Optional.empty();
  }

  /**
   * A host's heading, above its apps, while the Hosts list has a host: its name and where its
   * connection is. It has no row of its own (its value is null): selecting it selects nothing.
   */
  static final class HostHeading extends TreeItem<Row> {
    private final String host;

    HostHeading(String host) {
      this.host = host;
      setExpanded(true);
    }

    String host() {
      return host;
    }
  }

  private Optional<Hosts.HostItem> hostItem(String host) {
    return viewModel.hosts().stream().filter(h -> h.name().equals(host)).findFirst();
  }

  /** Where a host's connection is, as its heading's badge shows it. */
  private String hostState(String host) {
    if (host.equals(Hosts.LOCAL)) {
      return "";
    }
    return hostItem(host).map(Hosts.HostItem::badge).orElse("");
  }

  private void columns() {
    column(nameColumn, RowFormat::name);
    nameColumn.setCellFactory(c -> new NameCell());
    column(hostColumn, RowFormat::host);
    column(idColumn, RowFormat::id);
    column(namespaceColumn, RowFormat::namespace);
    column(modeColumn, RowFormat::mode);
    column(pidColumn, RowFormat::pid);
    column(statusColumn, RowFormat::status);
    // a host's heading: where its connection is, as a badge
    statusColumn.setCellValueFactory(
        cell ->
            new ReadOnlyStringWrapper(
                cell.getValue() instanceof HostHeading h
                    ? hostState(h.host())
                    : cell.getValue() == null || cell.getValue().getValue() == null
                        ? ""
                        : RowFormat.status(cell.getValue().getValue())));
    column(healthColumn, RowFormat::health);
    healthColumn.setCellFactory(c -> new TableCells.HealthBadge(ticks));
    column(uptimeColumn, row -> RowFormat.uptime(row, Instant.now()));
    column(restartsColumn, RowFormat::restarts);
    column(cpuColumn, RowFormat::cpu);
    column(memoryColumn, RowFormat::memory);
    column(requestsColumn, RowFormat::requests);
    column(exitColumn, RowFormat::lastExit);
    column(scriptColumn, RowFormat::script);
    statusColumn.setCellFactory(c -> new TableCells.Badge(ticks));
    cpuColumn.setCellFactory(c -> new TableCells.Cpu(ticks));
    for (TreeTableColumn<Row, String> numeric :
        List.of(idColumn, pidColumn, restartsColumn, cpuColumn, memoryColumn, requestsColumn)) {
      numeric.setComparator(Amounts::compare);
      numeric.getStyleClass().add("numeric");
    }
    actionsColumn.setCellFactory(c -> new TableCells.RowButtons(ticks, this::act));
    actionsColumn.setSortable(false);
  }

  /** The Name column: an app's or worker's name, or a host's heading. */
  private final class NameCell extends TableCells.Live {
    private final FontIcon server = new FontIcon("fth-server");
    private final javafx.scene.control.Tooltip tip = new javafx.scene.control.Tooltip();

    NameCell() {
      super(ticks);
    }

    @Override
    protected void updateItem(String text, boolean empty) {
      super.updateItem(text, empty);
      if (!empty && getTableRow() != null && getTableRow().getTreeItem() instanceof HostHeading h) {
        setText(Hosts.label(h.host()));
        setGraphic(server);
        if (!getStyleClass().contains("host-heading")) {
          getStyleClass().add("host-heading");
        }
        String words = hostItem(h.host()).map(Hosts.HostItem::describe).orElse(Hosts.LOCAL_LABEL);
        if (tip.getText() == null || !tip.getText().equals(words)) {
          tip.setText(words);
        }
        setTooltip(tip);
      } else {
        setText(empty ? null : text);
        setGraphic(null);
        setTooltip(null);
        getStyleClass().remove("host-heading");
      }
    }
  }

  private void column(TreeTableColumn<Row, String> column, Function<Row, String> value) {
    column.setCellFactory(c -> new TableCells.Text(ticks));
    column.setCellValueFactory(
        cell ->
            new ReadOnlyStringWrapper(
                cell.getValue() == null || cell.getValue().getValue() == null
                    ? ""
                    : value.apply(cell.getValue().getValue())));
  }

  private void act(BiConsumer<RowCommands, Row> command, Row row) {
    if (commands != null) {
      command.accept(commands, row);
    }
  }

  /**
   * Rebuilds the tree from the view model, keeping what was selected and expanded: the apps, or
   * while the Hosts list has a host, each host's apps under its heading (every listed host has one,
   * reached or not, unless the host filter shows another).
   */
  private void rebuild() {
    Optional<String> selected = selectedRow().map(Row::key);
    if (viewModel.hosts().isEmpty()) {
      tableRoot.getChildren().setAll(viewModel.visibleApps().stream().map(this::appItem).toList());
    } else {
      List<String> hosts = new ArrayList<>();
      hosts.add(Hosts.LOCAL);
      hosts.addAll(viewModel.hostNames());
      String only = viewModel.hostFilterProperty().get();
      List<TreeItem<Row>> headings = new ArrayList<>();
      for (String host : hosts) {
        List<AppItem> apps =
            viewModel.visibleApps().stream().filter(a -> a.host().equals(host)).toList();
        if ((only != null && !only.equals(host)) || (apps.isEmpty() && host.equals(Hosts.LOCAL))) {
          continue;
        }
        HostHeading heading = new HostHeading(host);
        heading.getChildren().setAll(apps.stream().map(this::appItem).toList());
        headings.add(heading);
      }
      tableRoot.getChildren().setAll(headings);
    }
    customColumns(true);
    healthColumn();
    selected.ifPresent(this::select);
    processTable.refresh(); // rows moved: cells anew, laid out at their rows' depth
  }

  /**
   * An app's row, its workers' rows below it following its worker list: through a weak listener,
   * which goes with the row when a rebuild replaces it.
   */
  private static final class AppRow extends TreeItem<Row> {
    private ListChangeListener<WorkerItem> onWorkers;

    AppRow(AppItem app) {
      super(app);
      setExpanded(true);
    }
  }

  private TreeItem<Row> appItem(AppItem app) {
    AppRow item = new AppRow(app);
    Runnable workers =
        () ->
            item.getChildren()
                .setAll(app.workers().stream().map(w -> new TreeItem<Row>(w)).toList());
    item.onWorkers =
        change -> {
          Optional<String> selected = selectedRow().map(Row::key);
          workers.run();
          selected.ifPresent(this::select);
          processTable.refresh();
        };
    app.workers().addListener(new javafx.collections.WeakListChangeListener<>(item.onWorkers));
    workers.run();
    return item;
  }

  /** Start, Stop, Restart, Reload and Delete, on the selected row. */
  private ContextMenu contextMenu() {
    contextItems.add(contextItem("Start", "fth-play", RowCommands::start));
    contextItems.add(contextItem("Stop", "fth-square", RowCommands::stop));
    contextItems.add(contextItem("Restart", "fth-rotate-cw", RowCommands::restart));
    contextItems.add(contextItem("Reload", "fth-refresh-cw", RowCommands::reload));
    contextItems.add(contextItem("Delete", "fth-trash-2", RowCommands::delete));
    return new ContextMenu(contextItems.toArray(MenuItem[]::new));
  }

  private MenuItem contextItem(String text, String icon, BiConsumer<RowCommands, Row> command) {
    MenuItem item = new MenuItem(text, new FontIcon(icon));
    item.setOnAction(e -> selectedRow().ifPresent(row -> act(command, row)));
    return item;
  }
}
