// W4: Gaussian σ = 10, float32, 4K gray: 81 taps per axis (OpenCV's size rule = SciPy's truncate 4).
import { gaussianWorkload } from './w03.mjs';

export default gaussianWorkload('W4', 10);
