// One failing spec per checker code, with the expected primary range marked ⟦like this⟧, and a
// corrected spec that checks clean. Files other than main.lin live under /proj; one of them may hold
// the mark instead of main.lin.

export interface CodeCase {
  readonly code: string;
  readonly src: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly fix: string;
}

const XY = "space X = R^2;\nspace Y = R^3;\n";
const XF = "space X = R^2;\nmap f : X -> X = dense;\n";
const TRAIN = "space X = R^2;\nmap f : X -> X = dense;\n";

export const codeCases: readonly CodeCase[] = [
  { code: "LIN0201", src: "space X = R^4;\nmap f : X -> ⟦Y⟧ = dense;", fix: "space X = R^4;\nmap f : X -> X = dense;" },
  { code: "LIN0202", src: "space X = R^4;\nspace ⟦X⟧ = R^5;", fix: "space X = R^4;\nspace W = R^5;" },
  {
    code: "LIN0203",
    src: "space X = R^2;\nlet a = ⟦b⟧;\nlet b = zero(X);",
    fix: "space X = R^2;\nlet b = zero(X);\nlet a = b;",
  },
  { code: "LIN0204", src: "space X = R^2;\nlet a = zero(X) + ⟦a⟧;", fix: "space X = R^2;\nlet a = zero(X) + zero(X);" },
  { code: "LIN0205", src: 'import ⟦"./missing.lin"⟧ as m;', fix: 'import "./nets.lin" as m;', files: { "/proj/nets.lin": "space X = R^2;" } },
  {
    code: "LIN0206",
    src: 'import "./a.lin" as a;\nspace X = R^2;',
    files: { "/proj/a.lin": 'import ⟦"./main.lin"⟧ as m;\nspace Y = R^2;', "/proj/b.lin": "space Y = R^2;" },
    fix: 'import "./b.lin" as b;\nspace X = R^2;',
  },
  {
    code: "LIN0207",
    src: 'import ⟦"../outside.lin"⟧ as o;',
    files: { "/outside.lin": "space X = R^2;", "/proj/inside.lin": "space X = R^2;" },
    fix: 'import "./inside.lin" as o;',
  },
  {
    code: "LIN0208",
    src: 'import "./nets.lin" as nets;\nmap f : nets.X -> nets.⟦Y⟧ = dense;',
    files: { "/proj/nets.lin": "space X = R^2;" },
    fix: 'import "./nets.lin" as nets;\nmap f : nets.X -> nets.X = dense;',
  },
  {
    code: "LIN0209",
    src: "space X = R^2;\nspace Z = induced ⟦X⟧;",
    fix: "space X = R^2;\nnetwork G : X { actnorm; }\nspace Z = induced G;",
  },
  {
    code: "LIN0301",
    src:
      "space X = R^784;\nnetwork G : R^784 tagged { affine_coupling(hidden = 64); }\nnetwork H : R^784 { affine_coupling(hidden = 64); }\n" +
      "space Data = induced G[1];\nspace Data2 = induced H;\nmap f : X -> Data = dense;\nmap h : Data2 -> X = dense;\nlet bad = ⟦h * f⟧;",
    fix:
      "space X = R^784;\nnetwork G : R^784 tagged { affine_coupling(hidden = 64); }\nnetwork H : R^784 { affine_coupling(hidden = 64); }\n" +
      "space Data = induced G[1];\nspace Data2 = induced H;\nmap f : X -> Data = dense;\nmap h : Data -> X = dense;\nlet good = h * f;",
  },
  {
    code: "LIN0303",
    src: "network G : R^4 { actnorm; }\nspace Z = induced G[⟦1⟧];",
    fix: "network G : R^4 tagged { actnorm; }\nspace Z = induced G[1];",
  },
  {
    code: "LIN0304",
    src: "network G : R^4 tagged { actnorm; }\nspace Z = ⟦induced G⟧;",
    fix: "network G : R^4 tagged { actnorm; }\nspace Z = induced G[0];",
  },
  { code: "LIN0306", src: XY + "map f : X -> X = dense;\nlet y = f(⟦zero(Y)⟧);", fix: XY + "map f : X -> X = dense;\nlet y = f(zero(X));" },
  { code: "LIN0307", src: XY + "map f : X -> Y = dense;\nlet g = ⟦f⟧ ^ 2;", fix: XY + "map f : X -> X = dense;\nlet g = f ^ 2;" },
  {
    code: "LIN0308",
    src: XY + "map f : X -> Y = dense;\nmap g : Y -> X = dense;\nlet h = ⟦f + g⟧;",
    fix: XY + "map f : X -> Y = dense;\nmap g : X -> Y = dense;\nlet h = f + g;",
  },
  { code: "LIN0309", src: XY + "let s = ⟦zero(X) + zero(Y)⟧;", fix: XY + "let s = zero(X) + zero(X);" },
  { code: "LIN0310", src: XF + "let s = ⟦f + zero(X)⟧;", fix: XF + "let s = f(zero(X)) + zero(X);" },
  { code: "LIN0311", src: XY + "map f : X -> Y = dense;\nlet g : Y -> X = ⟦f⟧;", fix: XY + "map f : X -> Y = dense;\nlet g : Y -> X = pinv(f);" },
  { code: "LIN0312", src: "space X = R^2;\nlet z = norm(⟦X⟧);", fix: "space X = R^2;\nlet z = norm(zero(X));" },
  { code: "LIN0313", src: "space X = R^2;\nlet z = ⟦norm(zero(X), zero(X))⟧;", fix: "space X = R^2;\nlet z = inner(zero(X), zero(X));" },
  { code: "LIN0314", src: XF + "let d = svd(f).⟦lefts⟧;", fix: XF + "let d = svd(f).left;" },
  { code: "LIN0315", src: XF + "let v = svd(f).left[⟦5⟧];", fix: XF + "let v = svd(f).left[1];" },
  {
    code: "LIN0316",
    src: XF + "let s = sampler(⟦f⟧, steps = 4);",
    fix: XF + "operator A = time_conditioned(rank = 1);\nmap v : X -> X = A;\nlet s = sampler(v, steps = 4);",
  },
  { code: "LIN0317", src: XF + "let g = f ^ ⟦0.5⟧;", fix: XF + "let g = f ^ 2;" },
  { code: "LIN0318", src: XF + "map g : X -> X = ⟦f⟧;", fix: XF + "let g : X -> X = f;" },
  {
    code: "LIN0319",
    src: "space X = R^2;\noperator A = time_conditioned(rank = 1);\nmap v : X -> X = A;\nlet s = sampler(v, method = ⟦midpoint⟧);",
    fix: "space X = R^2;\noperator A = time_conditioned(rank = 1);\nmap v : X -> X = A;\nlet s = sampler(v, method = rk4);",
  },
  { code: "LIN0320", src: "space X = R^2;\nlet z = ⟦X⟧(zero(X));", fix: "space X = R^2;\nlet z = id(X)(zero(X));" },
  { code: "LIN0330", src: "space X = R^1000000;\nmap f : X -> X = ⟦dense⟧;", fix: "space X = R^1000000;\nmap f : X -> X = lowrank(rank = 4);" },
  { code: "LIN0331", src: "space X = ⟦R[65536, 65536]⟧;", fix: "space X = R[1024, 1024];" },
  { code: "LIN0340", src: "network G : R^8 { affine_coupling(⟦conditioner = unet⟧); }", fix: "network G : R[4, 4, 4] { affine_coupling(conditioner = unet); }" },
  { code: "LIN0341", src: "network G : R[3, 4, 4] { ⟦additive_coupling⟧(conditioner = resnet); }", fix: "network G : R[4, 4, 4] { additive_coupling(conditioner = resnet); }" },
  {
    code: "LIN0342",
    src: "network G : R[2, 6, 6] { affine_coupling(conditioner = unet, ⟦levels = 3⟧); }",
    fix: "network G : R[2, 6, 6] { affine_coupling(conditioner = unet, levels = 2); }",
  },
  {
    code: "LIN0343",
    src: "network G : R[2, 8, 8] { affine_coupling(conditioner = unet, ⟦attention = 16⟧); }",
    fix: "network G : R[2, 8, 8] { affine_coupling(conditioner = unet, attention = 8); }",
  },
  {
    code: "LIN0344",
    src: "network G : R[2, 4, 4] { affine_coupling(conditioner = unet, ⟦channels = 18⟧); }",
    fix: "network G : R[2, 4, 4] { affine_coupling(conditioner = unet, channels = 16); }",
  },
  {
    code: "LIN0345",
    src: "network G : R[2, 4, 4] { affine_coupling(conditioner = unet, ⟦hidden = 64⟧); }",
    fix: "network G : R[2, 4, 4] { affine_coupling(conditioner = unet, channels = 32); }",
  },
  { code: "LIN0346", src: "network G : R^8 { affine_coupling(⟦mask = checkerboard⟧); }", fix: "network G : R[1, 2, 4] { affine_coupling(mask = checkerboard); }" },
  { code: "LIN0347", src: "network G : R[2, 4, 4] { ⟦unsqueeze⟧; }", fix: "network G : R[4, 2, 2] { unsqueeze; }" },
  {
    code: "LIN0348",
    src: "network G : R[2, 4, 4] { affine_coupling(conditioner = unet, ⟦dropout = 1⟧); }",
    fix: "network G : R[2, 4, 4] { affine_coupling(conditioner = unet, dropout = 0.1); }",
  },
  {
    code: "LIN0360",
    src: "space X = R[3, 4, 4];\noperator K = depthwise_conv(kernel = 2, styles = 2);\nmap f : X -> X = K;\nlet g : X -> X = at(f, ⟦0.5⟧);",
    fix: "space X = R[3, 4, 4];\noperator K = depthwise_conv(kernel = 2, styles = 2);\nmap f : X -> X = K;\nlet g : X -> X = 0.5 * at(f, 0) + 0.5 * at(f, 1);",
  },
  {
    code: "LIN0361",
    src: "space X = R[3, 4, 4];\noperator K = depthwise_conv(kernel = 2, styles = 2);\nmap f : X -> X = K;\nlet s = sampler(⟦f⟧, steps = 4);",
    fix: "space X = R[3, 4, 4];\noperator K = depthwise_conv(kernel = 2, styles = 2);\nmap f : X -> X = K;\nlet s : X -> X = at(f, 1);",
  },
  {
    code: "LIN0370",
    src: "network G : R^3 { additive_coupling(hidden = 4); }\nspace X = R^2;\nspace Z = induced G;\nembedding phi : X -> ⟦Z⟧ = isometric;",
    fix: "network G : R^3 { additive_coupling(hidden = 4); }\nspace X = R^2;\nspace E = R^3;\nembedding phi : X -> E = extend(G, isometric);",
  },
  { code: "LIN0371", src: "space X = R^3;\nspace E = R^2;\nembedding phi : X -> ⟦E⟧ = isometric;", fix: "space X = R^3;\nspace E = R^4;\nembedding phi : X -> E = isometric;" },
  {
    code: "LIN0372",
    src: "space X = R^2;\nspace E = R^3;\nmap f : X -> E = dense;\nlet g = left_inverse(⟦f⟧);",
    fix: "space X = R^2;\nspace E = R^3;\nmap f : X -> E = dense;\nlet g = pinv(f);",
  },
  {
    code: "LIN0373",
    src: "space X = R^2;\nspace E = R^3;\nembedding phi : X -> E = isometric;\nlet p = ⟦phi * left_inverse(phi)⟧;",
    fix: "space X = R^2;\nspace E = R^3;\nembedding phi : X -> E = isometric;\nlet p = left_inverse(phi) * phi;",
  },
  {
    code: "LIN0374",
    src: "space X = R^2;\nspace E = R^3;\nspace K = R^2;\nembedding phi : X -> E = isometric;\nmap W : E -> K = dense;\nmap f : X -> K = dense;\nlet s = gsvd(⟦f⟧);",
    fix: "space X = R^2;\nspace E = R^3;\nspace K = R^2;\nembedding phi : X -> E = isometric;\nmap W : E -> K = dense;\nlet h = W * phi;\nlet s = gsvd(h);",
  },
  {
    code: "LIN0375",
    src: "space X = R^2;\nspace E = R^3;\nnetwork H : R^3 tagged { additive_coupling(hidden = 4); }\nembedding phi : X -> E = extend(⟦H⟧, isometric);",
    fix: "space X = R^2;\nspace E = R^3;\nnetwork H : R^3 { additive_coupling(hidden = 4); }\nembedding phi : X -> E = extend(H, isometric);",
  },
  { code: "LIN0401", src: XY + "operator A[2, 2] = dense;\nmap f : X -> Y = ⟦A⟧;", fix: XY + "operator A[3, 2] = dense;\nmap f : X -> Y = A;" },
  {
    code: "LIN0402",
    src: "operator A[2, 3] = dense;\noperator B[2, 2] = dense;\noperator C = ⟦A * B⟧;",
    fix: "operator A[2, 3] = dense;\noperator B[3, 3] = dense;\noperator C = A * B;",
  },
  {
    code: "LIN0403",
    src: "operator A[2, 3] = dense;\noperator B[2, 2] = dense;\noperator C = ⟦A + B⟧;",
    fix: "operator A[2, 3] = dense;\noperator B[2, 3] = dense;\noperator C = A + B;",
  },
  { code: "LIN0404", src: "operator A[2, 3] = dense;\noperator C = ⟦A ^ 2⟧;", fix: "operator A[3, 3] = dense;\noperator C = A ^ 2;" },
  { code: "LIN0405", src: "operator A[2] = ⟦denes⟧;", fix: "operator A[2] = dense;" },
  { code: "LIN0406", src: "operator A[4] = dense(init = ⟦ones⟧);", fix: "operator A[4] = dense(init = orthogonal);" },
  { code: "LIN0407", src: "operator P[4] = ⟦projector(rank = 5)⟧;", fix: "operator P[4] = projector(rank = 2);" },
  { code: "LIN0408", src: "operator A[⟦2, 3, 4⟧] = dense;", fix: "operator A[2, 12] = dense;" },
  { code: "LIN0409", src: "operator ⟦A⟧ = dense;", fix: "operator A[4, 4] = dense;" },
  {
    code: "LIN0410",
    src: "space X = R^6;\nspace Z = R^2;\noperator P = dense;\noperator Q[3, 3] = dense;\nmap f : X -> X = kron(⟦P⟧, Q);\nmap g : Z -> Z = P;",
    fix: "space X = R^6;\nspace Z = R^2;\noperator P[2, 2] = dense;\noperator Q[3, 3] = dense;\nmap f : X -> X = kron(P, Q);\nmap g : Z -> Z = P;",
  },
  { code: "LIN0501", src: "network G : R^4 { ⟦acnorm⟧; }", fix: "network G : R^4 { actnorm; }" },
  { code: "LIN0502", src: "network G : R^4 { affine_coupling(⟦width = 3⟧); }", fix: "network G : R^4 { affine_coupling(hidden = 3); }" },
  { code: "LIN0503", src: "network G : R^4 { affine_coupling(hidden = ⟦0⟧); }", fix: "network G : R^4 { affine_coupling(hidden = 16); }" },
  {
    code: "LIN0504",
    src: "network G : R^4 { affine_coupling(activation = ⟦sigmoid⟧); }",
    fix: "network G : R^4 { affine_coupling(activation = silu); }",
  },
  { code: "LIN0505", src: "network G : R[1, 3, 3] { ⟦squeeze⟧; }", fix: "network G : R[1, 4, 4] { squeeze; }" },
  {
    code: "LIN0506",
    src: "network G : R^4 { actnorm; }\nspace Z = induced G;\nnetwork H : ⟦Z⟧ { actnorm; }",
    fix: "network G : R^4 { actnorm; }\nspace Z = induced G;\nnetwork H : R^4 { actnorm; }",
  },
  { code: "LIN0507", src: "network G : R^4 { permute(⟦shuffle⟧); }", fix: "network G : R^4 { permute(random, seed = 1); }" },
  { code: "LIN0508", src: "network G : R^1 { ⟦affine_coupling⟧; }", fix: "network G : R^1 { actnorm; }" },
  { code: "LIN0509", src: "network ⟦G⟧ : R^4 { repeat 1000 { repeat 1000 { actnorm; } } }", fix: "network G : R^4 { repeat 1000 { actnorm; } }" },
  { code: "LIN0601", src: XF + "verify ⟦linearity⟧(f);", fix: XF + "verify linear(f);" },
  { code: "LIN0602", src: XF + "verify linear(f) with ⟦repeats = 3⟧;", fix: XF + "verify linear(f) with runs = 3;" },
  {
    code: "LIN0603",
    src: "space X = R^2;\nverify roundtrip(⟦X⟧);",
    fix: "space X = R^2;\nnetwork G : X { actnorm; }\nverify roundtrip(G);",
  },
  {
    code: "LIN0604",
    src: TRAIN + "train t { model = f; data = mnist(); ⟦colour⟧ = 3; }",
    fix: TRAIN + "train t { model = f; data = mnist(); seed = 3; }",
  },
  {
    code: "LIN0605",
    src: TRAIN + "train t { model = f; data = mnist(); steps = ⟦0⟧; }",
    fix: TRAIN + "train t { model = f; data = mnist(); steps = 100; }",
  },
  { code: "LIN0606", src: TRAIN + "train ⟦t⟧ { model = f; }", fix: TRAIN + "train t { model = f; data = mnist(); }" },
  {
    code: "LIN0607",
    src: TRAIN + "train t { model = f; data = mnist(); ⟦model⟧ = f; }",
    fix: TRAIN + "train t { model = f; data = mnist(); }",
  },
];
