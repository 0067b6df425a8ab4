/**
 * H5 variant of `env.ts`. An empty `TARO_APP_API_BASE` (the production H5 default) means "the origin
 * that served this page": `npm start` serves the H5 build at /h5/ next to the API, on any PORT.
 */
export const API_BASE = (process.env.TARO_APP_API_BASE || window.location.origin).replace(/\/+$/, '');
