// H5 only (Taro picks this file for the H5 build): corrections to Taro's web components, see the stylesheet.
import './h5-fixes.scss';
