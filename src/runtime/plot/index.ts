// Public surface of the PNG plots.
export { renderPlot, plotLayout, saveLinePlot, saveScatterPlot, PALETTE, TITLE_TOP, type Series, type PlotOptions, type PlotLayout, type Rgb } from "./png.js";
export { formatTick, canDraw } from "./font.js";
export { niceStep, linearTicks, logTicks, formatStepped, formatPower, type Tick } from "./ticks.js";
export { renderImageGrid, renderHeatmapRows, saveImageGrid, saveHeatmapRows, imageShape, type GridOptions } from "./grid.js";
export { saveRowsPicture, savePicture, saveSamples, rowsOf, MAX_HEATMAP_ROWS, type RowsPicture, type SampleBatch } from "./rows.js";
