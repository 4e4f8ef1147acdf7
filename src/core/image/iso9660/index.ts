// The embedded ISO 9660 + Joliet + Rock Ridge writer (pure: bytes out to a sink).
export { layoutIso, tooManyDirectories, DEFAULT_LABEL, type IsoLayout, type FileExtent } from './layout';
export { streamIso, type ByteSink, type FileReader, type OpenFile, type SyncOpenFile, type StreamOptions } from './stream';
export { type IsoDirectory, type IsoFile, type IsoSymlink, type IsoNode, type IsoOptions, type IsoProblem, MAX_FILE_SIZE, MAX_DIRECTORIES } from './tree';
export { checkLabel, readLabel, LABEL_HEAD_BYTES } from './label';
