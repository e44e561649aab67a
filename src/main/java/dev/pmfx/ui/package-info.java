/**
 * The JavaFX window: FXML views under {@code src/main/resources/fxml/}, thin controllers, and view
 * models that tests drive without a window. The only package that imports JavaFX.
 */
package dev.pmfx.ui;
