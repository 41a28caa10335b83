// Public surface of the PNG plots.
export { renderPlot, saveLinePlot, saveScatterPlot, PALETTE, type Series, type PlotOptions, type Rgb } from "./png.js";
export { formatTick } from "./font.js";
export { renderImageGrid, renderHeatmapRows, saveImageGrid, saveHeatmapRows, imageShape, type GridOptions } from "./grid.js";
