/// `ups.2.weight`: PyTorch (CIN, COUT/G, K) = (16, 8, 4), f32, from `model.safetensors`; bias `ups.2.bias` (8).
/// `nn.ConvTranspose1d(16, 8, 4, stride=2, padding=1, output_padding=0, groups=1, dilation=1)` on 256 input frames: 512 output frames.
pub type CmdUps2 = ::conv_transpose::GroupedConvTranspose1d<256, 16, 8, 8, 4, 2, 1, 1, 0, f32>;
/// The layer, its weights repacked for the kernels at compile time by `from_torch`.
#[rustfmt::skip]
pub static CMD_UPS2: CmdUps2 = CmdUps2::from_torch(
    &[
        [
            [
                f32::from_bits(0xbde21848), f32::from_bits(0x3d2b4a58), f32::from_bits(0x3ce6bfec),
                f32::from_bits(0x3d840a09),
            ],
            [
                f32::from_bits(0x3e065edf), f32::from_bits(0xbbceff77), f32::from_bits(0x3de63055),
                f32::from_bits(0xbd329668),
            ],
            [
                f32::from_bits(0xbe2781d2), f32::from_bits(0x3e03e740), f32::from_bits(0x3dec37af),
                f32::from_bits(0xbd89de16),
            ],
            [
                f32::from_bits(0x3dc23a0c), f32::from_bits(0xbcf43ddf), f32::from_bits(0x3d8aa11a),
                f32::from_bits(0x3d2cb9cb),
            ],
            [
                f32::from_bits(0x3d889266), f32::from_bits(0xbd95d6b8), f32::from_bits(0xbe04084d),
                f32::from_bits(0x3c1ce9c3),
            ],
            [
                f32::from_bits(0xbca56621), f32::from_bits(0xbe27b150), f32::from_bits(0x3e0e683e),
                f32::from_bits(0xbd508323),
            ],
            [
                f32::from_bits(0xbdf29b3e), f32::from_bits(0x3d477d4e), f32::from_bits(0x3d83cd1a),
                f32::from_bits(0x3e1c4b5c),
            ],
            [
                f32::from_bits(0x3e32491e), f32::from_bits(0x3dae5190), f32::from_bits(0x3dcefe70),
                f32::from_bits(0x3cc00f6f),
            ],
        ],
        [
            [
                f32::from_bits(0x3c99ea99), f32::from_bits(0x3daf8215), f32::from_bits(0xbd47d3c0),
                f32::from_bits(0x3cc53e73),
            ],
            [
                f32::from_bits(0x3c89f358), f32::from_bits(0x3d8b579d), f32::from_bits(0x3e242cbe),
                f32::from_bits(0xbe03d8b7),
            ],
            [
                f32::from_bits(0x3d4d3428), f32::from_bits(0xbca14928), f32::from_bits(0x3d4838de),
                f32::from_bits(0xbc94627c),
            ],
            [
                f32::from_bits(0xbdf59e58), f32::from_bits(0x3c7eb12b), f32::from_bits(0x3d63027a),
                f32::from_bits(0x3cf2c282),
            ],
            [
                f32::from_bits(0x3d9eec89), f32::from_bits(0xbe2ed981), f32::from_bits(0xbe15bd7c),
                f32::from_bits(0xbdea621f),
            ],
            [
                f32::from_bits(0xbd905e92), f32::from_bits(0x3dd19727), f32::from_bits(0x3d807b31),
                f32::from_bits(0xbdaaaabf),
            ],
            [
                f32::from_bits(0xbd8b6712), f32::from_bits(0x3e00bb1a), f32::from_bits(0xbdbb8dcc),
                f32::from_bits(0x3a728838),
            ],
            [
                f32::from_bits(0xbdcec332), f32::from_bits(0xbdc040a4), f32::from_bits(0xbd87f5af),
                f32::from_bits(0xbe1a737d),
            ],
        ],
        [
            [
                f32::from_bits(0x3d392e18), f32::from_bits(0xbd4a7e76), f32::from_bits(0x3cab13cf),
                f32::from_bits(0x3e15b48a),
            ],
            [
                f32::from_bits(0xbd53bf9a), f32::from_bits(0x3e1443ff), f32::from_bits(0xbccf50a6),
                f32::from_bits(0xbdc55218),
            ],
            [
                f32::from_bits(0x3e33d7f1), f32::from_bits(0xbd1af66f), f32::from_bits(0x3d1d685c),
                f32::from_bits(0x3d02ec1c),
            ],
            [
                f32::from_bits(0xbd9014f4), f32::from_bits(0xbd9609be), f32::from_bits(0x3e19ac73),
                f32::from_bits(0x3dc4b839),
            ],
            [
                f32::from_bits(0x3d476056), f32::from_bits(0xbe3135e9), f32::from_bits(0x3da0291f),
                f32::from_bits(0xbd8fe002),
            ],
            [
                f32::from_bits(0x3e2a804f), f32::from_bits(0xbe237f56), f32::from_bits(0xbdb568a1),
                f32::from_bits(0xbd9d4e35),
            ],
            [
                f32::from_bits(0x3ce3ac12), f32::from_bits(0x3dc0e7a7), f32::from_bits(0x3e285798),
                f32::from_bits(0xbdf41fb3),
            ],
            [
                f32::from_bits(0x3dc575dc), f32::from_bits(0xbd95d5a3), f32::from_bits(0xbdf3decf),
                f32::from_bits(0xbc3b9a6d),
            ],
        ],
        [
            [
                f32::from_bits(0xbe1fd16b), f32::from_bits(0x3e069d09), f32::from_bits(0xbda989f6),
                f32::from_bits(0x3e24b132),
            ],
            [
                f32::from_bits(0xbe07ee2f), f32::from_bits(0x3dc534f6), f32::from_bits(0xbb3dc0d2),
                f32::from_bits(0xbdcf74f7),
            ],
            [
                f32::from_bits(0x3e1d9e68), f32::from_bits(0x3db91033), f32::from_bits(0xbde6e29a),
                f32::from_bits(0xbe08545f),
            ],
            [
                f32::from_bits(0xbdf0f67b), f32::from_bits(0x3e1fe781), f32::from_bits(0x3d94ab78),
                f32::from_bits(0xbd709281),
            ],
            [
                f32::from_bits(0xbe235513), f32::from_bits(0x3d357676), f32::from_bits(0xbdef23c5),
                f32::from_bits(0x3cd10ee1),
            ],
            [
                f32::from_bits(0xbe0b4d03), f32::from_bits(0xbdd5e2f5), f32::from_bits(0xbd8b9c29),
                f32::from_bits(0x3da61ea3),
            ],
            [
                f32::from_bits(0xbd917ab5), f32::from_bits(0x3e2a3139), f32::from_bits(0xbdfd8b0b),
                f32::from_bits(0x3cbdcb08),
            ],
            [
                f32::from_bits(0xbe0ea685), f32::from_bits(0xbd9fd204), f32::from_bits(0xbdedfafb),
                f32::from_bits(0xbde195f1),
            ],
        ],
        [
            [
                f32::from_bits(0x3e13a8a0), f32::from_bits(0xbd4f16ab), f32::from_bits(0x3c87f426),
                f32::from_bits(0x3dfb45cd),
            ],
            [
                f32::from_bits(0xbd280c33), f32::from_bits(0xbe1bdd68), f32::from_bits(0x3d5b9d82),
                f32::from_bits(0xbd5f2930),
            ],
            [
                f32::from_bits(0x3daf0e16), f32::from_bits(0x3defc870), f32::from_bits(0x3db46653),
                f32::from_bits(0x3e2bfc50),
            ],
            [
                f32::from_bits(0xbdff6a38), f32::from_bits(0x3d1cb2b8), f32::from_bits(0x3ced7b0d),
                f32::from_bits(0x3c7f6904),
            ],
            [
                f32::from_bits(0xbdc83abc), f32::from_bits(0xbd3ec24c), f32::from_bits(0xbc9be0e8),
                f32::from_bits(0x3e158f62),
            ],
            [
                f32::from_bits(0xbcf630ea), f32::from_bits(0x3d44b8c3), f32::from_bits(0xbcf52dab),
                f32::from_bits(0xbd8fc600),
            ],
            [
                f32::from_bits(0x3dcf3277), f32::from_bits(0x3d4bbd9c), f32::from_bits(0x3cd61db9),
                f32::from_bits(0xbdf5b48a),
            ],
            [
                f32::from_bits(0xbd7637be), f32::from_bits(0xbdeec86b), f32::from_bits(0xbe18d43d),
                f32::from_bits(0xbd4a7424),
            ],
        ],
        [
            [
                f32::from_bits(0x3d08cae9), f32::from_bits(0x3dc6e550), f32::from_bits(0x3de57a44),
                f32::from_bits(0x3d88b128),
            ],
            [
                f32::from_bits(0x3dbcf4e3), f32::from_bits(0x3ca4e695), f32::from_bits(0x3e05d984),
                f32::from_bits(0x3e14721b),
            ],
            [
                f32::from_bits(0x3e1e3f27), f32::from_bits(0x3d75c1eb), f32::from_bits(0x3c9bfe2a),
                f32::from_bits(0xbe139f60),
            ],
            [
                f32::from_bits(0xbd978780), f32::from_bits(0x3d244c8b), f32::from_bits(0x3de420c4),
                f32::from_bits(0x3e0ce3dd),
            ],
            [
                f32::from_bits(0x3df2a43c), f32::from_bits(0x3e097861), f32::from_bits(0xbc8b026e),
                f32::from_bits(0xbced8caf),
            ],
            [
                f32::from_bits(0x3e17cf55), f32::from_bits(0x3cb832a7), f32::from_bits(0xbd7b2f19),
                f32::from_bits(0x3e02a6c2),
            ],
            [
                f32::from_bits(0xbdf10590), f32::from_bits(0x3daf11cc), f32::from_bits(0x3dde72f4),
                f32::from_bits(0xbd08272c),
            ],
            [
                f32::from_bits(0x3e153d1a), f32::from_bits(0xbe313937), f32::from_bits(0xbde239ae),
                f32::from_bits(0xbda46907),
            ],
        ],
        [
            [
                f32::from_bits(0xbc978d7d), f32::from_bits(0xbe2bb0d4), f32::from_bits(0x3db87e39),
                f32::from_bits(0x3d5b3a12),
            ],
            [
                f32::from_bits(0x3bab9af4), f32::from_bits(0x3dade218), f32::from_bits(0x3d4b4c84),
                f32::from_bits(0xbdaacc69),
            ],
            [
                f32::from_bits(0x3de90354), f32::from_bits(0xbdd02c49), f32::from_bits(0xbe12968e),
                f32::from_bits(0xbe12ddfe),
            ],
            [
                f32::from_bits(0x3da74066), f32::from_bits(0xbdeb3975), f32::from_bits(0xbe001f53),
                f32::from_bits(0xbe0b2dc5),
            ],
            [
                f32::from_bits(0xbda87696), f32::from_bits(0x3c946763), f32::from_bits(0x3ddd1da4),
                f32::from_bits(0xbd5a20b0),
            ],
            [
                f32::from_bits(0xbd99788e), f32::from_bits(0xbd97822d), f32::from_bits(0xbe18172c),
                f32::from_bits(0xbdf70b41),
            ],
            [
                f32::from_bits(0xbb7b6936), f32::from_bits(0xbcdfa8de), f32::from_bits(0x3d91e862),
                f32::from_bits(0xbc0283f2),
            ],
            [
                f32::from_bits(0x3d7c3317), f32::from_bits(0xbd16683d), f32::from_bits(0x3d22959c),
                f32::from_bits(0xbe08ef75),
            ],
        ],
        [
            [
                f32::from_bits(0x3d51bb3c), f32::from_bits(0x3e2522c8), f32::from_bits(0xbc795726),
                f32::from_bits(0xbc056657),
            ],
            [
                f32::from_bits(0xbdb069e2), f32::from_bits(0xbd222a81), f32::from_bits(0x3d3dc1a9),
                f32::from_bits(0xbdb6efd0),
            ],
            [
                f32::from_bits(0xbdf3fa85), f32::from_bits(0xbdce539e), f32::from_bits(0x3d68ef60),
                f32::from_bits(0xbc296ed0),
            ],
            [
                f32::from_bits(0x3ddfbc3f), f32::from_bits(0x3e343937), f32::from_bits(0xbe163cd0),
                f32::from_bits(0x3e115e7d),
            ],
            [
                f32::from_bits(0x3cdca83e), f32::from_bits(0xbd4aecdc), f32::from_bits(0x3e34b201),
                f32::from_bits(0x3e32290e),
            ],
            [
                f32::from_bits(0xbe10dded), f32::from_bits(0xbe081b77), f32::from_bits(0xbdea74ae),
                f32::from_bits(0x3de2384c),
            ],
            [
                f32::from_bits(0xbdbf2eaf), f32::from_bits(0x3e04896e), f32::from_bits(0xbc649855),
                f32::from_bits(0x3d43790a),
            ],
            [
                f32::from_bits(0x3d14eafa), f32::from_bits(0x3e0aab09), f32::from_bits(0x3c95d6a4),
                f32::from_bits(0xbe30aaa3),
            ],
        ],
        [
            [
                f32::from_bits(0x3d06f9ae), f32::from_bits(0xbdc71929), f32::from_bits(0x3ce2da0f),
                f32::from_bits(0x3db515b9),
            ],
            [
                f32::from_bits(0xbde86081), f32::from_bits(0x3ca4ce0e), f32::from_bits(0x3c823f71),
                f32::from_bits(0x3d9f5867),
            ],
            [
                f32::from_bits(0x3cb5e20d), f32::from_bits(0xbcd31f22), f32::from_bits(0xbe14a31a),
                f32::from_bits(0x3e211e7a),
            ],
            [
                f32::from_bits(0xbddbc0ff), f32::from_bits(0x3d903f5f), f32::from_bits(0xbda94d37),
                f32::from_bits(0x3e28b20b),
            ],
            [
                f32::from_bits(0xbca9525a), f32::from_bits(0xbda294a3), f32::from_bits(0x3e1f985f),
                f32::from_bits(0xbca63e31),
            ],
            [
                f32::from_bits(0x3d9229e4), f32::from_bits(0x3d928e86), f32::from_bits(0xbdf17cf4),
                f32::from_bits(0xbd87f09d),
            ],
            [
                f32::from_bits(0xbc7ee074), f32::from_bits(0xbda86fef), f32::from_bits(0x3e0b63f9),
                f32::from_bits(0x3d55c380),
            ],
            [
                f32::from_bits(0x3e212df2), f32::from_bits(0xbde4c920), f32::from_bits(0x3d840e5b),
                f32::from_bits(0x3e2de97f),
            ],
        ],
        [
            [
                f32::from_bits(0x3e10f558), f32::from_bits(0x3e3342dc), f32::from_bits(0xbcf680a4),
                f32::from_bits(0x3d2de355),
            ],
            [
                f32::from_bits(0x3da1f74e), f32::from_bits(0x3dee1399), f32::from_bits(0x3e0a2e3e),
                f32::from_bits(0xbd5a3b7d),
            ],
            [
                f32::from_bits(0x3cd2c965), f32::from_bits(0xbcaab6d2), f32::from_bits(0x3e30a2a3),
                f32::from_bits(0xbe2a3a03),
            ],
            [
                f32::from_bits(0x3dc23590), f32::from_bits(0x3ddc4235), f32::from_bits(0xbde76510),
                f32::from_bits(0x3d933d1a),
            ],
            [
                f32::from_bits(0xbe302262), f32::from_bits(0xbd4046a7), f32::from_bits(0x3dbcaa0e),
                f32::from_bits(0xbba2b14c),
            ],
            [
                f32::from_bits(0x3d5311f0), f32::from_bits(0x3db8c7ad), f32::from_bits(0x3e197e78),
                f32::from_bits(0x3e1bef51),
            ],
            [
                f32::from_bits(0x3d077ecb), f32::from_bits(0x3c915e8b), f32::from_bits(0x3e23660d),
                f32::from_bits(0xbd903085),
            ],
            [
                f32::from_bits(0xbdac21d0), f32::from_bits(0x3dc5f65d), f32::from_bits(0x3d631d5e),
                f32::from_bits(0x3d09a0fd),
            ],
        ],
        [
            [
                f32::from_bits(0xbdd3d4ba), f32::from_bits(0xbdc75b99), f32::from_bits(0x3dcd6e7b),
                f32::from_bits(0x3df315c8),
            ],
            [
                f32::from_bits(0xbcb2dbfe), f32::from_bits(0xbd094dd0), f32::from_bits(0x3df7bb9f),
                f32::from_bits(0xbe2144ba),
            ],
            [
                f32::from_bits(0xbdd6e674), f32::from_bits(0xbe023935), f32::from_bits(0xbdd4080f),
                f32::from_bits(0xbd35e383),
            ],
            [
                f32::from_bits(0x3d5712d3), f32::from_bits(0x3df29a40), f32::from_bits(0xbcb62fa8),
                f32::from_bits(0x3df8da28),
            ],
            [
                f32::from_bits(0x3d3d04c6), f32::from_bits(0xbc42d492), f32::from_bits(0x3db9bd65),
                f32::from_bits(0x3dbd81e6),
            ],
            [
                f32::from_bits(0x3c90436f), f32::from_bits(0x3c9c7024), f32::from_bits(0x3dcd0ea0),
                f32::from_bits(0x3e0c275f),
            ],
            [
                f32::from_bits(0xbd70ec6a), f32::from_bits(0xbde94f22), f32::from_bits(0xbd83ad5f),
                f32::from_bits(0xbd2de081),
            ],
            [
                f32::from_bits(0xbe02c7ca), f32::from_bits(0x3dce8ee7), f32::from_bits(0xbdca4398),
                f32::from_bits(0xbdf71278),
            ],
        ],
        [
            [
                f32::from_bits(0xbc8c1b5f), f32::from_bits(0xbd6c932a), f32::from_bits(0x3ced2c6e),
                f32::from_bits(0x3d0af636),
            ],
            [
                f32::from_bits(0xbd9db216), f32::from_bits(0xbda44560), f32::from_bits(0xbdd87bcd),
                f32::from_bits(0xbd2f126a),
            ],
            [
                f32::from_bits(0x3ddce0e3), f32::from_bits(0x3cfc51f0), f32::from_bits(0xbd875fa2),
                f32::from_bits(0x3d1f0f35),
            ],
            [
                f32::from_bits(0xbc2a4d60), f32::from_bits(0x3daf5cfe), f32::from_bits(0xbbbe735e),
                f32::from_bits(0xbc7a9bf9),
            ],
            [
                f32::from_bits(0x3dde9781), f32::from_bits(0xbdda18eb), f32::from_bits(0xb917b24e),
                f32::from_bits(0xbe241ffc),
            ],
            [
                f32::from_bits(0x3c779e9f), f32::from_bits(0xbe0dafa3), f32::from_bits(0xbd6cd2f5),
                f32::from_bits(0x3d21117f),
            ],
            [
                f32::from_bits(0x3dbd6973), f32::from_bits(0x3e1122ee), f32::from_bits(0x3e11f0ed),
                f32::from_bits(0xbe0a37b0),
            ],
            [
                f32::from_bits(0x3e1e1c92), f32::from_bits(0x3d5b5485), f32::from_bits(0xbcbb72df),
                f32::from_bits(0x3df1bc16),
            ],
        ],
        [
            [
                f32::from_bits(0xbe238710), f32::from_bits(0xbcb4c906), f32::from_bits(0xbd87d109),
                f32::from_bits(0x3e309364),
            ],
            [
                f32::from_bits(0xbd00c458), f32::from_bits(0x3e2c6628), f32::from_bits(0xbe0793ea),
                f32::from_bits(0xbd9eb53d),
            ],
            [
                f32::from_bits(0x3d97d2b8), f32::from_bits(0xbcd88515), f32::from_bits(0xbce71b45),
                f32::from_bits(0xbd42338d),
            ],
            [
                f32::from_bits(0x3dd4f6f6), f32::from_bits(0x3e33581b), f32::from_bits(0x3bbdf16f),
                f32::from_bits(0xbe196e87),
            ],
            [
                f32::from_bits(0xbe1fdb61), f32::from_bits(0x3dd68693), f32::from_bits(0xbe1a659c),
                f32::from_bits(0x3d491d0a),
            ],
            [
                f32::from_bits(0xbe21fdf5), f32::from_bits(0x3e2dc7a1), f32::from_bits(0x3d20efdd),
                f32::from_bits(0x3d8e492b),
            ],
            [
                f32::from_bits(0xbb3f5a3c), f32::from_bits(0xbc5ff9f6), f32::from_bits(0x3e2b74d7),
                f32::from_bits(0x3e2e3484),
            ],
            [
                f32::from_bits(0xbe2bcecf), f32::from_bits(0xbe22e66f), f32::from_bits(0xbdf12455),
                f32::from_bits(0x3e1325df),
            ],
        ],
        [
            [
                f32::from_bits(0xbd3783c7), f32::from_bits(0xbe23ab7f), f32::from_bits(0x3e0f29d3),
                f32::from_bits(0x3d39a122),
            ],
            [
                f32::from_bits(0xbe144e5e), f32::from_bits(0x3e339f4f), f32::from_bits(0xbe2abfea),
                f32::from_bits(0x3d5cc54c),
            ],
            [
                f32::from_bits(0xbbe9d3c5), f32::from_bits(0x3c82b5c0), f32::from_bits(0x3bf3af42),
                f32::from_bits(0xbdccdec6),
            ],
            [
                f32::from_bits(0xbe2eadb4), f32::from_bits(0x3dd59ec7), f32::from_bits(0xbde7950f),
                f32::from_bits(0x3e264a34),
            ],
            [
                f32::from_bits(0xbcc7e2cc), f32::from_bits(0xbd51191c), f32::from_bits(0x3c967448),
                f32::from_bits(0xbdc16686),
            ],
            [
                f32::from_bits(0x3e228a68), f32::from_bits(0x3d22ca66), f32::from_bits(0xbd81bc46),
                f32::from_bits(0xbe035af1),
            ],
            [
                f32::from_bits(0xbd8dbf8c), f32::from_bits(0x3df302ab), f32::from_bits(0x3bd5673f),
                f32::from_bits(0xbd6cce02),
            ],
            [
                f32::from_bits(0xbd080f92), f32::from_bits(0x3db15797), f32::from_bits(0x3cbe641e),
                f32::from_bits(0x3b1ba3b3),
            ],
        ],
        [
            [
                f32::from_bits(0x3e30db2b), f32::from_bits(0x3d0418e5), f32::from_bits(0xbda40da8),
                f32::from_bits(0x3dcad767),
            ],
            [
                f32::from_bits(0xbdb4232c), f32::from_bits(0x3e29b7ab), f32::from_bits(0xbdd64125),
                f32::from_bits(0xbd437d87),
            ],
            [
                f32::from_bits(0xbe279aef), f32::from_bits(0x3d73a09b), f32::from_bits(0x3de6e17c),
                f32::from_bits(0x3bc94082),
            ],
            [
                f32::from_bits(0x3de1830c), f32::from_bits(0x3dd1d2fd), f32::from_bits(0xbcab2d43),
                f32::from_bits(0x3df313ac),
            ],
            [
                f32::from_bits(0xbe164263), f32::from_bits(0x3e1d3a23), f32::from_bits(0x3c86b6ec),
                f32::from_bits(0x3d1a0084),
            ],
            [
                f32::from_bits(0xbe1db4ba), f32::from_bits(0xbe22f91e), f32::from_bits(0x3d72cf86),
                f32::from_bits(0xbe171acd),
            ],
            [
                f32::from_bits(0xbe13fb8e), f32::from_bits(0x3d915ae0), f32::from_bits(0x3d843e24),
                f32::from_bits(0xbbc076ab),
            ],
            [
                f32::from_bits(0x3e230ea5), f32::from_bits(0x3e34bc80), f32::from_bits(0xbe023b38),
                f32::from_bits(0x3dd37851),
            ],
        ],
        [
            [
                f32::from_bits(0xbc82c5c0), f32::from_bits(0xbe10faae), f32::from_bits(0xbe137ded),
                f32::from_bits(0xbd055526),
            ],
            [
                f32::from_bits(0xbe13f56f), f32::from_bits(0x3e086ebe), f32::from_bits(0xbd99391a),
                f32::from_bits(0xbde94c10),
            ],
            [
                f32::from_bits(0x3c29096f), f32::from_bits(0x3dfc7a33), f32::from_bits(0x3e25ec2a),
                f32::from_bits(0xbe1d2136),
            ],
            [
                f32::from_bits(0x3e215fda), f32::from_bits(0x3d6651b9), f32::from_bits(0xbd87e799),
                f32::from_bits(0xbe151ce2),
            ],
            [
                f32::from_bits(0x3d306a1d), f32::from_bits(0x3dd47e88), f32::from_bits(0x3e104f62),
                f32::from_bits(0xbe2b1e97),
            ],
            [
                f32::from_bits(0x3dd40b46), f32::from_bits(0x3e16b089), f32::from_bits(0x3d1647fa),
                f32::from_bits(0x3d4a4837),
            ],
            [
                f32::from_bits(0xbe1e4977), f32::from_bits(0xbd18535f), f32::from_bits(0xbdb6d6e1),
                f32::from_bits(0x3d5a25e7),
            ],
            [
                f32::from_bits(0x3d07359b), f32::from_bits(0xbdd0e937), f32::from_bits(0xbbf569bb),
                f32::from_bits(0xbd7027d1),
            ],
        ],
    ],
    Some(&[
        f32::from_bits(0xbda30e2b), f32::from_bits(0xbdbca3a0), f32::from_bits(0xbe2fbc44),
        f32::from_bits(0x3e0d4617), f32::from_bits(0x3bb3fbc9), f32::from_bits(0xbe217372),
        f32::from_bits(0xbd686205), f32::from_bits(0x3e2ae273),
    ]),
);
