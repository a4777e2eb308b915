import ArogyaCore
import Testing

@Suite struct ScratchKeys {
    @Test func keys() {
        let pairs = [("Anitha","Anita"),("Lalitha","Lalita"),("Geethanjali","Gitanjali"),("Naidu","Naydu"),("Mandal","Mondal"),("Rahim","Reheem"),
                     ("Gowda","Gouda"),("Yadav","Yadava"),("Dass","Das"),("Bimala","Vimala"),("Biswas","Viswas"),("Zubair","Jubair"),("Qasim","Kasim"),
                     ("Phoolan","Foolan"),("Sarla","Sarala"),("Urmla","Urmila"),("Ramesh","Ramesha"),("Mahender","Mahendar"),("Mahender","Mahendra"),
                     ("Malini","Malani"),("Ragini","Ragani"),("Ram Prasad","Ramprasad"),("Jaya Prakash","Jayaprakash"),("Shiv Kumar","Shivkumar"),
                     ("ज़रीना","Zarina"),("फ़ातिमा","Fatima"),("क़ासिम","Qasim"),("श्रद्धा","Shraddha"),("क्षमा","Kshama"),("Sharda","शारदा"),
                     ("ज़रीना","Jarina"), ("श्रीदेवी", "Sridevi"), ("क्षितिज", "Kshitij"), ("Lakshmi", "लक्ष्मी")]
        for (a, b) in pairs {
            let ka = NameKey.words(a).map(\.key).joined(separator: " "), kb = NameKey.words(b).map(\.key).joined(separator: " ")
            let sa = NameKey.words(a).map(\.spelling).joined(separator: " "), sb = NameKey.words(b).map(\.spelling).joined(separator: " ")
            print("KEY \(ka == kb ? "same" : "DIFF") \(a)=\(sa)/\(ka)   \(b)=\(sb)/\(kb)")
        }
    }
}
