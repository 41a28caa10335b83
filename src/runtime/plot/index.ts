// Public surface of the plots: SVG documents, rasterised to PNG with real fonts, both written atomically.
export { plotSvg, plotLayout, yAxisLabel, saveLinePlot, saveScatterPlot, type Series, type PlotOptions, type PlotLayout } from "./chart.js";
export { PALETTE, paletteColor, type Rgb, type ColorScale } from "./colors.js";
export { MARKERS, markerFor, type MarkerShape } from "./markers.js";
export { rasterise, saveSvgAndPng, svgPathBeside, fontFileFrom, FONT_FAMILY } from "./raster.js";
export { niceStep, linearTicks, logTicks, formatStepped, formatPower, type Tick } from "./ticks.js";
export { imageGridSvg, saveImageGrid, imageShape, valueRange, type GridOptions } from "./grid.js";
export { heatmapSvg, saveHeatmapRows, type HeatmapOptions } from "./heatmap.js";
export { saveRowsPicture, saveVectorPicture, saveSamples, rowsOf, MAX_PICTURE_ROWS, type RowsPicture, type SampleBatch, type VectorPictureOptions } from "./rows.js";
export { escapeXml, type Markup } from "./svg.js";
export { MAX_PICTURE_SIDE, ensurePictureFits } from "./limits.js";
export { subscript } from "./labels.js";
